import Foundation

// MARK: - Server connection

extension CallCoordinator: ServerConnectionDelegate {
    public func serverConnectionDidConnect() {
        updateStatus {
            $0.serverConnected = true
            $0.connectionProblem = nil
        }
        // State resyncs on every reconnect rather than trusting Socket.IO's recovery (lesson 9).
        sync()
        sendTokenIfNeeded()
        sendPermissionsIfNeeded()
        outbox.kick()
        fetchWantedIce()
        let waiting = connectWaiters
        connectWaiters = []
        waiting.forEach { $0() }
    }

    public func serverConnectionDidDisconnect() {
        updateStatus { $0.serverConnected = false }
        // An upgrade not yet through is abandoned (VideoSession); video already flowing goes on.
        for call in calls.values { video(call, .disconnected) }
    }

    /// Returns whether to acknowledge the event (Socket.IO's ack): only a `call:cancelled` this
    /// phone has applied, so that the server sends no cancel push after it. Every VoIP push must be
    /// reported to CallKit, so a cancel push that follows a socket cancel would show a second,
    /// ended call in Recents (issue 21 item 6).
    @discardableResult
    public func serverConnection(received event: String, payload: Data) -> Bool {
        let decoder = JSONDecoder()
        do {
            switch DeviceBroadcastName(rawValue: event) {
            case .callCancelled:
                // A reason this app does not know (from a newer server) still ends the call.
                let callId = try decoder.decode(CancelledCallID.self, from: payload).callId
                endFromServer(callId, reason: (try? decoder.decode(CallCancelled.self, from: payload))?.reason)
                return true
            case .callChanged:
                apply(try decoder.decode(CallChanged.self, from: payload).call)
                return false
            case .directoryChanged:
                onDirectoryChanged?(try decoder.decode(DirectoryChanged.self, from: payload).version)
                return false
            case .rtcSignal:
                let message = try decoder.decode(RtcSignalBroadcast.self, from: payload)
                guard let call = call(message.callId) else { return false }
                if case .bye = message.signal, call.isAnswered {
                    // The console hung up: closing the media alone would leave a silent call screen.
                    endAfterBye(call)
                    return false
                }
                media.handle(message.signal, for: message.callId)
            case .videoChanged:
                let state = try decoder.decode(VideoStateMessage.self, from: payload)
                guard let call = call(state.callId), call.isAnswered else { return false }
                media.setVideoBitrate(maxKbps: state.maxKbps, for: call.id)
                video(call, .server(state.server))
            case .videoMarker:
                let message = try decoder.decode(VideoMarkerMessage.self, from: payload)
                guard let call = call(message.callId) else { return false }
                showMarker(message.marker, on: call)
            case nil:
                log?("ignored unknown event \(event)")
            }
        } catch {
            // A payload the protocol does not allow changes nothing (the server does the same).
            log?("ignored invalid \(event): \(error)")
        }
        return false
    }

    /// The server refused the handshake. `UNAUTHORIZED`: it no longer knows this device (unpaired
    /// or revoked from the console), and no retry will change that: the phone forgets its pairing
    /// and says why, instead of reconnecting for ever.
    public func serverConnectionRefused(code: ErrorCode?, message: String) {
        log?("server refused the connection: \(code?.rawValue ?? "?") \(message)")
        guard code == .unauthorized, configuration.deviceId != nil else {
            if code == .protocolMismatch { updateStatus { $0.connectionProblem = message } }
            return
        }
        forgetPairing()
        onUnpairedByServer?(Self.unpairedByServerMessage)
    }

    /// What the pairing screen says after the server refused this phone's credentials.
    public static let unpairedByServerMessage = "This phone was unpaired from the console. Pair it again to take calls."

    /// A certificate that is not the paired one (`ServerTrust`), or any refusal waiting cannot
    /// fix: shown on the Status screen until the next successful connect.
    public func serverConnectionProblem(_ message: String) {
        updateStatus { $0.connectionProblem = message }
    }

    /// Ends an answered call the console said `bye` to, on the call screen and on the server (which
    /// refuses the report with CALL_ENDED if it ended the call first; the sync that follows agrees).
    private func endAfterBye(_ call: CompanionCall) {
        report(call, .ended)
        provider.reportCall(call.uuid, endedAt: clock.now, reason: .remoteEnded)
        finish(call, reason: .completed)
    }

    // MARK: - call:sync

    /// Asks which of this phone's calls are still live, and ends the ones that are not.
    func sync() {
        guard server.isConnected, configuration.deviceId != nil else { return }
        // Not a call still starting: the server may not have it yet, and would call it over.
        let ids = calls.values
            .filter { $0.phase != .starting }
            .sorted { $0.startedAt < $1.startedAt }
            .map(\.id)
            .prefix(WireProtocol.maxSyncCallIDs)
        guard let payload = try? JSONEncoder().encode(CallSync(callIds: Array(ids))) else { return }
        let timeout = configuration.requestTimeout
        syncsInFlight += 1
        tracker.spawn { [weak self] in
            guard let self else { return }
            defer {
                self.syncsInFlight -= 1
                self.closeIfIdle()
            }
            do {
                let data = try await ClockedRequest.emit(
                    .callSync, payload: payload, timeout: timeout, server: self.server, clock: self.clock, tracker: self.tracker
                )
                switch try JSONDecoder().decode(Ack<CallSyncResult>.self, from: data) {
                case let .ok(result): self.apply(result)
                case let .failure(error): self.log?("call:sync refused: \(error.code.rawValue)")
                }
            } catch {
                // The next wake or reconnect asks again; a missing ack forces that reconnect.
                self.log?("call:sync failed: \(error)")
                if case ServerConnectionError.timedOut = error { self.server.reconnect() }
            }
        }
    }

    func apply(_ result: CallSyncResult) {
        for over in result.ended {
            endFromServer(over.callId, reason: over.endReason)
        }
        for live in result.live {
            if call(live.id) != nil {
                apply(live)
            } else {
                ringIfStillRinging(live)
            }
        }
    }

    /// A live call this phone does not show: if it still rings this phone, its push was late or
    /// lost, and it is reported now — under its own id, so the push, when it comes, is a duplicate.
    /// The server's word that the leg still rings is what counts, not the phone's clock against
    /// `ringUntil`; the call rings at most its whole window, and the server's cancel ends it sooner.
    private func ringIfStillRinging(_ live: Call) {
        guard live.direction == .outbound,
              let deviceId = configuration.deviceId,
              let leg = live.leg(for: deviceId),
              leg.state == .pending || leg.state == .ringing,
              !ended.contains(live.id),
              live.ringUntil > live.createdAt
        else { return }
        let push = CallPush(
            callId: live.id,
            handle: live.handle,
            callerName: live.callerName,
            video: live.video,
            sentAt: live.createdAt,
            ringUntil: live.ringUntil
        )
        ring(push) {}
    }

    // MARK: - call:changed

    /// The server's view of one of this phone's calls: from `call:changed`, the ack of a
    /// `call:report` or `call:start`, or `call:sync`.
    func apply(_ serverCall: Call) {
        guard let call = call(serverCall.id) else {
            if !serverCall.isLive, calls[serverCall.id.uuid] == nil {
                ended.remember(serverCall.id, reason: serverCall.endReason)
            }
            return
        }
        if let deviceId = configuration.deviceId, let leg = serverCall.leg(for: deviceId), leg.state == .ended {
            return endFromServer(serverCall.id, reason: leg.endReason ?? serverCall.endReason)
        }
        if !serverCall.isLive {
            return endFromServer(serverCall.id, reason: serverCall.endReason)
        }
        followHold(call, serverCall)
        askIceOnceAnswered(serverCall)
        if call.direction == .inbound, serverCall.state == .connecting || serverCall.state == .active,
           !call.reportedOutgoingConnected {
            // An agent accepted this phone's call: CallKit starts the call timer.
            call.reportedOutgoingConnected = true
            if call.phase == .dialing { call.phase = .answered }
            call.answeredAt = serverCall.answeredAt.map(Date.init(epochMs:)) ?? clock.now
            provider.reportOutgoingCall(call.uuid, connectedAt: call.answeredAt)
        }
    }

    /// The agent (or a warm transfer, while the two agents consult) put the call on hold or took
    /// it off: the media follows at once, and CallKit is asked to show it, so the person sees
    /// "on hold" on the one call screen they keep. The record changes first: the `CXSetHeldCallAction`
    /// that comes back is then not reported to the server, which said it.
    private func followHold(_ call: CompanionCall, _ serverCall: Call) {
        guard call.isAnswered, serverCall.state == .connecting || serverCall.state == .active,
              serverCall.held != call.held else { return }
        call.held = serverCall.held
        media.setHeld(serverCall.held, for: call.id)
        video(call, .held(serverCall.held))
        setHeld(call.uuid, serverCall.held)
    }

    // MARK: - Acks

    func delivered(_ item: RequestOutbox.Item, _ ack: Ack<JSONValue>, _ data: Data) {
        switch (item.event, ack) {
        case (.callStart, _):
            guard let id = item.callId, let call = calls[id.uuid], call.phase == .starting else { return }
            didStart(call, ack, data)
        case (.permissionsReport, .ok):
            guard let sent = try? JSONDecoder().decode(PermissionsReport.self, from: item.payload),
                  let deviceId = item.deviceId, deviceId == configuration.deviceId
            else { return }
            permissionsAcknowledged = (deviceId, sent.microphone)
            if sent.microphone == status.microphone { updateStatus { $0.microphoneReported = true } }
        case (.deviceUpdate, .ok):
            // Only an ack for the current token from the current device record counts: one from
            // before a re-pairing or a newer token says nothing about what the server has now.
            guard let sent = try? JSONDecoder().decode(DeviceUpdate.self, from: item.payload),
                  sent.voipToken == status.voipToken, let deviceId = item.deviceId, deviceId == configuration.deviceId
            else { return }
            tokenAcknowledgedFor = deviceId
            updateStatus { $0.tokenAcknowledged = true }
        case (.callReport, .ok):
            // `reportAcks`: the ack carries the call as this report left it, and is the only word
            // this socket gets of that change (the server sends it no `call:changed` for it). An
            // older server also sends the `call:changed`: `apply` changes nothing the second time.
            guard let serverCall = (try? JSONDecoder().decode(Ack<Call>.self, from: data))?.value,
                  serverCall.id == item.callId
            else { return }
            apply(serverCall)
        case let (.callReport, .failure(error)):
            guard let id = item.callId else { return }
            switch error.code {
            case .answeredElsewhere:
                endFromServer(id, reason: .answeredElsewhere)
            case .callEnded:
                // The sync answers with how it ended.
                sync()
            default:
                log?("call:report refused: \(error.code.rawValue) \(error.message)")
            }
        case let (_, .failure(error)):
            log?("\(item.event.rawValue) refused: \(error.code.rawValue) \(error.message)")
        default:
            break
        }
    }
}

/// The one field of `call:cancelled` the phone cannot do without.
private struct CancelledCallID: Decodable {
    let callId: CallID
}
