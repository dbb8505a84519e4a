import Foundation

// MARK: - CallKit provider delegate

extension CallCoordinator: CallProviderDelegate {
    /// Each branch ends in exactly one `fulfill()` or `fail()` (or hands the action to the
    /// `call:start` request, whose ack or deadline resolves it).
    public func provider(perform action: ProviderAction) {
        let call = calls[action.callUUID]
        switch action.kind {
        case .answer:
            guard let call, call.isRingingIncoming else { return action.action.fail() }
            call.deadline?.cancel()
            call.deadline = nil
            // Prepare only: the audio starts when CallKit activates the session (didActivate).
            configureAudio()
            media.prepare(callId: call.id, video: false)
            // CallKit showed the call (the user answered it) before the report's completion ran:
            // the server hears that it rang, then the answer, in that order.
            reportRinging(call)
            call.phase = .answered
            call.answeredAt = clock.now
            report(call, .answered, urgent: true)
            action.action.fulfill()
            // Answered from the lock screen, the socket may have dropped since the push woke it.
            if !server.isConnected { wake() }

        case .end:
            guard let call else { return action.action.fulfill() }
            if call.phase == .starting {
                abandonStart(call, reason: .cancelled, endOnCallScreen: false)
            } else {
                let declined = call.isRingingIncoming
                report(call, .ended, reason: declined ? .declined : nil)
                finish(call, reason: declined ? .declined : call.isAnswered ? .completed : .cancelled)
            }
            action.action.fulfill()

        case .start:
            guard call == nil else { return action.action.fail() }
            // Voice first, even when a Recents entry or Siri asks for video: video is an upgrade
            // the agent asks for during the call (issue 27).
            startOutgoing(uuid: action.callUUID, video: false, action: action.action)

        case let .setHeld(onHold):
            guard let call, call.isAnswered else { return action.action.fail() }
            media.setHeld(onHold, for: call.id)
            video(call, .held(onHold))
            if call.held != onHold {
                call.held = onHold
                report(call, onHold ? .held : .resumed)
            }
            action.action.fulfill()

        case let .setMuted(muted):
            guard let call else { return action.action.fail() }
            // While starting there is no media yet: the start applies the mute once it has some.
            if call.phase != .starting { media.setMuted(muted, for: call.id) }
            if call.muted != muted {
                call.muted = muted
                // Only an answered call has a mute state on the server; earlier it would be refused.
                if call.isAnswered { report(call, muted ? .muted : .unmuted) }
            }
            action.action.fulfill()
        }
    }

    /// CallKit gave up on the action and failed it itself: resolving it now would be a second
    /// answer. What is left is the call: it is ended on the call screen and on the server, so no
    /// call screen stays up for a call this phone no longer handles.
    public func provider(timedOutPerforming action: ProviderAction) {
        guard let call = calls[action.callUUID] else { return }
        if call.phase == .starting {
            abandonStart(call, reason: .failed, endOnCallScreen: true)
        } else {
            report(call, .ended, reason: call.isRingingIncoming ? .declined : .failed)
            provider.reportCall(call.uuid, endedAt: clock.now, reason: .failed)
            finish(call, reason: .failed)
        }
    }

    public func providerDidReset() {
        // CallKit dropped every call (e.g. the call service restarted): tell the server each is over.
        for call in calls.values {
            if call.phase == .starting {
                abandonStart(call, reason: .failed, endOnCallScreen: false)
            } else {
                report(call, .ended, reason: call.isRingingIncoming ? .declined : nil)
                finish(call, reason: .failed)
            }
        }
        audio.stopAudio()
        updateStatus { $0.audioActive = false }
    }

    public func providerDidActivateAudioSession() {
        audio.startAudio()
        updateStatus { $0.audioActive = true }
    }

    public func providerDidDeactivateAudioSession() {
        audio.stopAudio()
        updateStatus { $0.audioActive = false }
    }

    /// Queues `reported` for a ringing call, once.
    func reportRinging(_ call: CompanionCall) {
        guard !call.reportedRinging else { return }
        call.reportedRinging = true
        report(call, .reported)
    }

    func configureAudio(_ configuration: AudioSessionConfiguration = .voiceCall) {
        do {
            try audio.configure(configuration)
        } catch {
            log?("audio session configuration failed: \(error)")
        }
    }

    // MARK: - Outgoing calls (this phone calls the console)

    /// The call's id is the action's UUID from the start: `call:start` carries it, so the request
    /// is safe to repeat and goes through the outbox like a report, retried until the server
    /// answers or `startTimeout` passes. The action is fulfilled once the call is set up here, as
    /// Apple's sample does: holding it for the server would let CallKit time it out on a slow
    /// network. The call screen then follows the server (connecting, connected, or ended).
    private func startOutgoing(uuid: UUID, video: Bool, action: any CallActionProtocol) {
        let call = CompanionCall(
            id: CallID(uuid),
            direction: .inbound,
            handle: CallHandle(configuration.consoleHandle),
            callerName: configuration.consoleHandle,
            video: video,
            phase: .starting,
            startedAt: clock.now
        )
        guard let payload = try? JSONEncoder().encode(CallStart(video: video, callId: call.id)) else { return action.fail() }
        calls[uuid] = call
        updateStatus { $0.activeCallCount = calls.count }
        configureAudio()
        action.fulfill()
        // CallKit knows the call only from the start action: name it, say what it supports.
        provider.reportCall(updated: CallUpdate(uuid: uuid, handle: call.handle, callerName: call.callerName, hasVideo: video))
        call.deadline = clock.schedule(after: configuration.startTimeout) { [weak self, weak call] in
            guard let self, let call, self.calls[call.uuid] === call, call.phase == .starting else { return }
            self.log?("call:start: no answer from the server in time")
            self.abandonStart(call, reason: .failed, endOnCallScreen: true)
        }
        outbox.enqueue(.callStart, payload: payload, callId: call.id, urgent: true)
        // A call placed from the Phone app's Recents launches the app with no socket yet.
        if !server.isConnected { wake() }
    }

    /// The server's final answer to `call:start` (an error code that retrying cannot change, or
    /// the call it created, or already had under this id).
    func didStart(_ call: CompanionCall, _ ack: Ack<JSONValue>, _ data: Data) {
        let serverCall = (try? JSONDecoder().decode(Ack<Call>.self, from: data))?.value
        guard let serverCall, serverCall.id == call.id else {
            log?("call:start refused: \(ack.error.map { "\($0.code.rawValue) \($0.message)" } ?? "unexpected ack")")
            return abandonStart(call, reason: .failed, endOnCallScreen: true)
        }
        guard serverCall.isLive else {
            // E.g. `unreachable`: no agent is online.
            return abandonStart(call, reason: serverCall.endReason ?? .failed, endOnCallScreen: true)
        }
        call.deadline?.cancel()
        call.deadline = nil
        // The server took the call and rings the agents: CallKit shows "connecting".
        provider.reportOutgoingCall(call.uuid, startedConnectingAt: clock.now)
        call.phase = .dialing
        media.prepare(callId: call.id, video: call.video)
        if call.muted { media.setMuted(true, for: call.id) }
        apply(serverCall)
    }

    /// Gives up on an outgoing call the server has not acknowledged: the user hung up, CallKit
    /// gave up, the deadline passed or the server refused. When CallKit does not know yet
    /// (`endOnCallScreen`), the call is reported ended; a `call:start` still queued is withdrawn,
    /// and if it may have reached the server already, an `ended` report follows it, which cancels
    /// the call it created (or is refused as unknown if it created none).
    func abandonStart(_ call: CompanionCall, reason: EndReason, endOnCallScreen: Bool) {
        if endOnCallScreen {
            provider.reportCall(call.uuid, endedAt: clock.now, reason: CallEndedReason(serverReason: reason, direction: .inbound))
        }
        if outbox.withdraw(.callStart, callId: call.id) { report(call, .ended) }
        finish(call, reason: reason)
    }
}

// MARK: - User requests (in-app buttons, Siri / Recents intents)

extension CallCoordinator {
    /// Calls the console. The system answers with a `CXStartCallAction` (see `provider(perform:)`).
    /// Voice first: video is an upgrade the agent asks for during the call (issue 27).
    public func startCall(completion: (@MainActor @Sendable ((any Error)?) -> Void)? = nil) {
        let transaction = CallTransaction.start(
            uuid: UUID(),
            handle: CallHandle(configuration.consoleHandle),
            video: false
        )
        controller.request(transaction) { error in completion?(error) }
    }

    public func endCall(_ uuid: UUID) {
        controller.request(.end(uuid: uuid)) { [weak self] error in
            if let error { self?.log?("end request failed: \(error)") }
        }
    }

    public func setHeld(_ uuid: UUID, _ onHold: Bool) {
        controller.request(.setHeld(uuid: uuid, onHold: onHold)) { [weak self] error in
            if let error { self?.log?("hold request failed: \(error)") }
        }
    }

    public func setMuted(_ uuid: UUID, _ muted: Bool) {
        controller.request(.setMuted(uuid: uuid, muted: muted)) { [weak self] error in
            if let error { self?.log?("mute request failed: \(error)") }
        }
    }
}
