import Foundation

// MARK: - CallKit provider delegate

extension CallCoordinator: CallProviderDelegate {
    /// Each branch ends in exactly one `fulfill()` or `fail()` (or hands the action to the
    /// `call:start` request, which resolves it).
    public func provider(perform action: ProviderAction) {
        let call = calls[action.callUUID]
        switch action.kind {
        case .answer:
            guard let call, call.isRingingIncoming, let id = call.serverId else { return action.action.fail() }
            call.ringTimer?.cancel()
            call.ringTimer = nil
            // Prepare only: the audio starts when CallKit activates the session (didActivate).
            configureAudio()
            media.prepare(callId: id, video: call.video)
            call.phase = .answered
            call.answeredAt = clock.now
            report(call, .answered)
            action.action.fulfill()

        case .end:
            guard let call else { return action.action.fulfill() }
            if call.phase == .starting {
                // The server has not named the call yet: end it once it does.
                call.endRequestedBeforeStart = true
                call.startAction?.fail()
                call.startAction = nil
                calls[call.uuid] = nil
                updateStatus { $0.activeCallCount = calls.count }
            } else {
                let declined = call.isRingingIncoming
                report(call, .ended, reason: declined ? .declined : nil)
                finish(call, reason: declined ? .declined : call.isAnswered ? .completed : .cancelled)
            }
            action.action.fulfill()

        case let .start(_, video):
            guard call == nil else { return action.action.fail() }
            startOutgoing(uuid: action.callUUID, video: video, action: action.action)

        case let .setHeld(onHold):
            guard let call, call.isAnswered, let id = call.serverId else { return action.action.fail() }
            media.setHeld(onHold, for: id)
            if call.held != onHold {
                call.held = onHold
                report(call, onHold ? .held : .resumed)
            }
            action.action.fulfill()

        case let .setMuted(muted):
            guard let call else { return action.action.fail() }
            if let id = call.serverId { media.setMuted(muted, for: id) }
            if call.muted != muted {
                call.muted = muted
                // Only an answered call has a mute state on the server; earlier it would be refused.
                if call.isAnswered { report(call, muted ? .muted : .unmuted) }
            }
            action.action.fulfill()
        }
    }

    public func provider(timedOutPerforming action: ProviderAction) {
        // CallKit gave up on the action and fails the call itself; the action must still not be
        // left unresolved on our side.
        action.action.fail()
        guard let call = calls[action.callUUID] else { return }
        if call.phase == .starting {
            call.endRequestedBeforeStart = true
            call.startAction = nil
            calls[call.uuid] = nil
            updateStatus { $0.activeCallCount = calls.count }
        } else {
            report(call, .ended, reason: call.isRingingIncoming ? .declined : .failed)
            finish(call, reason: .failed)
        }
    }

    public func providerDidReset() {
        // CallKit dropped every call (e.g. the call service restarted): tell the server each is over.
        for call in calls.values {
            report(call, .ended, reason: call.isRingingIncoming ? .declined : nil)
            finish(call, reason: .failed)
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

    func configureAudio() {
        do {
            try audio.configure(.voiceCall)
        } catch {
            log?("audio session configuration failed: \(error)")
        }
    }

    // MARK: - Outgoing calls (this phone calls the console)

    private func startOutgoing(uuid: UUID, video: Bool, action: any CallActionProtocol) {
        let call = CompanionCall(
            uuid: uuid,
            serverId: nil,
            direction: .inbound,
            handle: CallHandle(configuration.consoleHandle),
            callerName: configuration.consoleHandle,
            video: video,
            phase: .starting,
            startedAt: clock.now
        )
        call.startAction = action
        calls[uuid] = call
        updateStatus { $0.activeCallCount = calls.count }
        configureAudio()
        provider.reportOutgoingCall(uuid, startedConnectingAt: clock.now)

        guard let payload = try? JSONEncoder().encode(CallStart(video: video)) else { return action.fail() }
        let timeout = configuration.requestTimeout
        tracker.spawn { [weak self] in
            guard let self else { return }
            // Not retried: `call:start` is not idempotent, a second one would be a second call.
            let result: Result<Ack<Call>, any Error>
            do {
                guard await self.waitForConnection(timeout: timeout) else { throw ServerConnectionError.notConnected }
                let data = try await self.server.emit(.callStart, payload: payload, timeout: timeout)
                result = try .success(JSONDecoder().decode(Ack<Call>.self, from: data))
            } catch {
                result = .failure(error)
            }
            self.didStart(call, result)
        }
    }

    private func didStart(_ call: CompanionCall, _ result: Result<Ack<Call>, any Error>) {
        guard case let .success(.ok(serverCall)) = result else {
            log?("call:start failed: \(result)")
            call.startAction?.fail()
            call.startAction = nil
            if calls[call.uuid] === call { finish(call, reason: .failed) }
            return
        }
        call.serverId = serverCall.id
        if call.endRequestedBeforeStart {
            // The user hung up (or CallKit gave up) while the request was in flight.
            report(call, .ended)
            ended.remember(serverCall.id, reason: .cancelled)
            return
        }
        guard serverCall.isLive else {
            // E.g. `unreachable`: no agent is online.
            call.startAction?.fail()
            call.startAction = nil
            finish(call, reason: serverCall.endReason)
            return
        }
        call.startAction?.fulfill()
        call.startAction = nil
        call.phase = .dialing
        media.prepare(callId: serverCall.id, video: call.video)
        apply(serverCall)
    }
}
