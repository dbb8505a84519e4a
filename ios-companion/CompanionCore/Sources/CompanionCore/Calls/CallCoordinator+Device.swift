import Foundation

// MARK: - Microphone

extension CallCoordinator {
    /// Asks iOS for the microphone (onboarding, or the Status screen's button), then reports the
    /// answer. iOS asks the person once; afterwards only Settings can change it.
    public func requestMicrophone() async -> MicrophonePermission {
        _ = await microphone.requestPermission()
        microphoneMayHaveChanged()
        return status.microphone
    }

    /// Reads the permission again (launch, foreground, pairing) and reports a change.
    func microphoneMayHaveChanged() {
        let now = microphone.permission
        if now != status.microphone {
            updateStatus {
                $0.microphone = now
                $0.microphoneReported = false
            }
        }
        sendPermissionsIfNeeded()
    }

    /// Queues `permissions:report` unless this device record acknowledged the current value: on
    /// every (re)connect and change, so that the console's roster shows a phone that cannot send
    /// voice.
    func sendPermissionsIfNeeded() {
        guard let deviceId = configuration.deviceId else { return }
        if let acknowledged = permissionsAcknowledged, acknowledged.deviceId == deviceId,
           acknowledged.microphone == status.microphone {
            updateStatus { $0.microphoneReported = true }
            return
        }
        guard let payload = try? JSONEncoder().encode(PermissionsReport(microphone: status.microphone)) else { return }
        outbox.enqueue(.permissionsReport, payload: payload, deviceId: deviceId)
    }
}

// MARK: - Unpairing

/// What came of the app's Unpair.
public enum UnpairOutcome: Equatable, Sendable {
    /// The server forgot this phone (or had already): the phone forgot its pairing too.
    case unpaired
    /// A call is in progress: the server keeps the phone until it is over; nothing changed.
    case inCall
    /// The server could not be reached in time. Nothing changed; the app may forget the pairing
    /// anyway (`forgetPairing()`), and an admin unpairs the phone from the console.
    case serverUnreachable
}

extension CallCoordinator {
    /// The app's Unpair: tells the server (`device:unpair`), which stops pushing to this phone and
    /// takes it off the console's roster, then forgets the pairing here. Unpairing only here would
    /// leave the server pushing to (and ringing) a phone that no longer answers for it.
    public func unpair() async -> UnpairOutcome {
        guard configuration.deviceId != nil else { return .unpaired }
        guard calls.isEmpty else { return .inCall }
        if !server.isConnected {
            server.connect()
            guard await connected(within: configuration.requestTimeout) else { return .serverUnreachable }
        }
        guard let payload = try? JSONEncoder().encode(DeviceUnpair()) else { return .serverUnreachable }
        let data: Data
        do {
            data = try await ClockedRequest.emit(
                .deviceUnpair, payload: payload, timeout: configuration.requestTimeout,
                server: server, clock: clock, tracker: tracker
            )
        } catch {
            log?("device:unpair failed: \(error)")
            return .serverUnreachable
        }
        switch (try? JSONDecoder().decode(Ack<JSONValue>.self, from: data))?.error?.code {
        case nil, .unauthorized?, .notFound?:
            // Done, or done already (unpaired from the console meanwhile).
            forgetPairing()
            return .unpaired
        case .conflict?:
            return .inCall
        default:
            return .serverUnreachable
        }
    }

    /// Forgets the device record: nothing queued for it is sent, and the socket closes.
    public func forgetPairing() {
        configuration.deviceId = nil
        server.disconnect()
    }

    /// Waits for the next connect, at most `timeout` on the clock; true when connected.
    func connected(within timeout: Duration) async -> Bool {
        if server.isConnected { return true }
        let once = Once()
        return await withCheckedContinuation { continuation in
            once.continuation = continuation
            let timer = clock.schedule(after: timeout) { once.resume(false) }
            connectWaiters.append { [weak self] in
                timer.cancel()
                once.resume(self?.server.isConnected ?? false)
            }
        }
    }

    @MainActor
    private final class Once {
        var continuation: CheckedContinuation<Bool, Never>?
        func resume(_ value: Bool) {
            continuation?.resume(returning: value)
            continuation = nil
        }
    }
}

// MARK: - ICE servers

extension CallCoordinator {
    /// The media engine needs a call's ICE servers (`rtc:ice`). Asked only over a connected
    /// socket: a call answered from the lock screen often has none yet, and a request sent then
    /// fails, which used to leave the call on STUN only for good, so that it could not relay on a
    /// cellular network. It waits for the socket (at most `iceWait`); the console's offer cannot
    /// arrive before the socket does anyway.
    public func mediaEngineNeedsIce(for callId: CallID) {
        guard iceWanted[callId] == nil else { return }
        iceWanted[callId] = clock.schedule(after: configuration.iceWait) { [weak self] in
            guard let self, self.iceWanted.removeValue(forKey: callId) != nil else { return }
            self.log?("rtc:ice: no answer in time; going on with the configured servers")
            self.media.provideIce(nil, for: callId)
        }
        if server.isConnected {
            fetchIce(callId)
        } else {
            wake()
        }
    }

    func fetchWantedIce() {
        for callId in iceWanted.keys { fetchIce(callId) }
    }

    /// The server says an answered call is answered: ICE servers still wanted are asked for now.
    func askIceOnceAnswered(_ serverCall: Call) {
        guard iceWanted[serverCall.id] != nil, server.isConnected,
              serverCall.state == .connecting || serverCall.state == .active else { return }
        fetchIce(serverCall.id)
    }

    private func fetchIce(_ callId: CallID) {
        guard !iceFetching.contains(callId), let payload = try? JSONEncoder().encode(RtcIceRequest(callId: callId)) else {
            return
        }
        iceFetching.insert(callId)
        let timeout = configuration.requestTimeout
        tracker.spawn { [weak self] in
            guard let self else { return }
            defer { self.iceFetching.remove(callId) }
            let ice: RtcIce?
            do {
                let data = try await ClockedRequest.emit(
                    .rtcIce, payload: payload, timeout: timeout, server: self.server, clock: self.clock, tracker: self.tracker
                )
                let ack = try? JSONDecoder().decode(Ack<RtcIce>.self, from: data)
                // Asked before the server applied this phone's answer (queued with it while the
                // socket was down, and read first): the change that shows the call answered asks
                // again (`askIceOnceAnswered`), within `iceWait`. Any other refusal will not change
                // on asking again: the configured servers it is.
                if ack?.error?.code == .invalidTransition { return }
                ice = ack?.value
            } catch {
                // The socket dropped or stalled: the next connect asks again, until `iceWait`.
                if case ServerConnectionError.timedOut = error { self.server.reconnect() }
                return
            }
            guard let deadline = self.iceWanted.removeValue(forKey: callId) else { return }
            deadline.cancel()
            self.media.provideIce(ice, for: callId)
        }
    }
}
