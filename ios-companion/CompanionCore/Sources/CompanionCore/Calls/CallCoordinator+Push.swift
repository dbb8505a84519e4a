import Foundation

// MARK: - PushKit

extension CallCoordinator: PushRegistryDelegate {
    public func pushRegistry(didUpdateToken token: Data) {
        let hex = VoipToken.hex(token)
        updateStatus {
            $0.voipToken = hex
            $0.tokenUpdatedAt = clock.now
            $0.tokenAcknowledged = false
        }
        // Sent on every update, even an unchanged token: the checklist's rule, and cheap.
        tokenAcknowledgedFor = nil
        sendTokenIfNeeded()
    }

    public func pushRegistryDidInvalidateToken() {
        // No token means no pushes reach this phone; the Status screen says so. The server learns
        // of it from APNs (410 Unregistered) and shows the phone as unreachable.
        updateStatus {
            $0.voipToken = nil
            $0.tokenUpdatedAt = clock.now
            $0.tokenAcknowledged = false
        }
        tokenAcknowledgedFor = nil
        outbox.removeAll(.deviceUpdate)
    }

    /// Every branch below calls `reportNewIncomingCall` exactly once, synchronously, and calls
    /// `completion` only from CallKit's answer to it. Nothing the app observes (status, recents)
    /// changes before that report: iOS gives a VoIP push little time, and the report comes first.
    public func pushRegistry(didReceivePush payload: Data, completion: @escaping @MainActor @Sendable () -> Void) {
        let receivedAt = clock.now
        let parsed = PushPayload.parse(payload)

        switch parsed {
        case let .call(push):
            if let existing = calls[push.callId.uuid] {
                // A duplicate (APNs retried, or the sync already rang it): one call per id.
                reportAgain(existing, completion: completion)
            } else if let reason = ended.reason(for: push.callId) {
                // Its cancel came first, or the call is already over on this phone.
                reportAndEnd(update(for: push), reason: CallEndedReason(serverReason: reason, direction: .outbound), completion: completion)
            } else if push.isStale(elapsedSinceArrivalMs: 0) {
                ended.remember(push.callId, reason: .missed)
                reportAndEnd(update(for: push), reason: .unanswered, completion: completion)
            } else {
                ring(push, completion: completion)
            }

        case let .cancel(cancel):
            if let existing = calls[cancel.callId.uuid] {
                reportAgain(existing) { [weak self] in
                    self?.endFromServer(cancel.callId, reason: cancel.reason)
                    completion()
                }
            } else {
                ended.remember(cancel.callId, reason: cancel.reason)
                let update = CallUpdate(
                    uuid: UUID(),
                    handle: CallHandle(configuration.consoleHandle),
                    callerName: configuration.consoleHandle,
                    hasVideo: false
                )
                reportAndEnd(update, reason: CallEndedReason(serverReason: cancel.reason, direction: .outbound), completion: completion)
            }

        case let .malformed(reason, callId):
            log?("malformed VoIP push: \(reason)")
            if let callId, let existing = calls[callId.uuid] {
                // Garbage naming a live call must not end it.
                reportAgain(existing, completion: completion)
            } else {
                let update = CallUpdate(
                    uuid: UUID(),
                    handle: CallHandle(configuration.consoleHandle),
                    callerName: configuration.consoleHandle,
                    hasVideo: false
                )
                reportAndEnd(update, reason: .failed, completion: completion)
            }
        }
        updateStatus { $0.lastPush = PushSummary(receivedAt: receivedAt, description: Self.describe(parsed)) }
        wake()
    }

    // MARK: - Reporting

    /// Audio only, whatever the push says: video is not a feature yet (issue 21 item 10), and a
    /// call screen offering a camera that sends nothing would pretend.
    func update(for push: CallPush) -> CallUpdate {
        let handle = push.handle.isEmpty ? configuration.consoleHandle : push.handle
        let name = push.callerName.isEmpty ? handle : push.callerName
        return CallUpdate(uuid: push.callId.uuid, handle: CallHandle(handle), callerName: name, hasVideo: false)
    }

    /// Rings a new call. `completion` runs once CallKit has answered the report.
    func ring(_ push: CallPush, completion: @escaping @MainActor @Sendable () -> Void) {
        let update = update(for: push)
        let call = CompanionCall(
            id: push.callId,
            direction: .outbound,
            handle: update.handle,
            callerName: update.callerName,
            video: false,
            phase: .reporting,
            startedAt: clock.now
        )
        // Recorded before reporting, so a cancel arriving meanwhile finds it.
        calls[call.uuid] = call
        // The ring window counts from now, the push's arrival, not from the server's `ringUntil`.
        let deadline = clock.now.addingTimeInterval(TimeInterval(push.ringWindowMs) / 1000)
        provider.reportNewIncomingCall(update) { [weak self] error in
            self?.didReport(call, error: error, ringDeadline: deadline)
            completion()
        }
        updateStatus { $0.activeCallCount = calls.count }
    }

    private func didReport(_ call: CompanionCall, error: IncomingCallError?, ringDeadline: Date) {
        guard calls[call.uuid] === call else { return }
        // Answered while CallKit was still completing the report (the user was quicker than its
        // completion): `reported` went out with the answer, and the answer stands. Going back to
        // ringing here would end the answered call at the ring deadline.
        guard call.phase == .reporting else { return }
        if let error, error != .callUUIDAlreadyExists {
            // Do Not Disturb, the block list or a refusal: the phone did not ring. The server
            // hears it as a decline of this phone's leg, so ring-all goes on with the others.
            log?("CallKit refused the call: \(error)")
            report(call, .ended, reason: .declined)
            finish(call, reason: .declined)
            return
        }
        if let pending = call.pendingServerEnd {
            provider.reportCall(call.uuid, endedAt: clock.now, reason: CallEndedReason(serverReason: pending, direction: .outbound))
            finish(call, reason: pending)
            return
        }
        call.phase = .ringing
        reportRinging(call)
        // If no cancel ever arrives (both push and socket lost), the call screen must not stay up.
        let remaining = max(ringDeadline.timeIntervalSince(clock.now), 0)
        call.deadline = clock.schedule(after: .milliseconds(Int64((remaining * 1000).rounded()))) { [weak self, weak call] in
            guard let self, let call, self.calls[call.uuid] === call, call.isRingingIncoming else { return }
            self.provider.reportCall(call.uuid, endedAt: self.clock.now, reason: .unanswered)
            self.finish(call, reason: .missed)
        }
    }

    /// Reports a push that rings nothing (its call is over, stale, or unreadable), then ends it as
    /// soon as CallKit has it. Always under a new UUID: the call's own UUID may be one CallKit has
    /// shown and ended already, and it answers such a report with `callUUIDAlreadyExists`, which
    /// would leave this push without a new call. A new UUID also keeps the call's own free.
    func reportAndEnd(
        _ update: CallUpdate,
        reason: CallEndedReason,
        completion: @escaping @MainActor @Sendable () -> Void
    ) {
        var update = update
        update.uuid = UUID()
        provider.reportNewIncomingCall(update) { [weak self] _ in
            if let self { self.provider.reportCall(update.uuid, endedAt: self.clock.now, reason: reason) }
            completion()
        }
    }

    /// Reports a call CallKit already shows. CallKit answers `callUUIDAlreadyExists` and shows no
    /// second call, while iOS still sees the push reported.
    private func reportAgain(_ call: CompanionCall, completion: @escaping @MainActor @Sendable () -> Void) {
        let update = CallUpdate(uuid: call.uuid, handle: call.handle, callerName: call.callerName, hasVideo: call.video)
        provider.reportNewIncomingCall(update) { _ in completion() }
    }

    static func describe(_ parsed: ParsedPush) -> String {
        switch parsed {
        case let .call(push): "call \(push.callId) from \(push.callerName)"
        case let .cancel(push): "cancel \(push.callId) (\(push.reason?.rawValue ?? "unknown reason"))"
        case let .malformed(reason, _): "malformed: \(reason)"
        }
    }

    // MARK: - Token

    /// Queues `device:update` with the current token unless this device record acknowledged it
    /// already: after every token update, pairing and (re)connect. Only the newest waits in the
    /// outbox, which replaces an older one still queued.
    func sendTokenIfNeeded() {
        guard let hex = status.voipToken, let deviceId = configuration.deviceId, tokenAcknowledgedFor != deviceId else {
            return
        }
        let update = DeviceUpdate(
            voipToken: hex,
            apnsEnvironment: configuration.apnsEnvironment,
            appVersion: configuration.appVersion,
            osVersion: configuration.osVersion
        )
        guard let payload = try? JSONEncoder().encode(update) else { return }
        outbox.enqueue(.deviceUpdate, payload: payload, deviceId: deviceId)
    }
}
