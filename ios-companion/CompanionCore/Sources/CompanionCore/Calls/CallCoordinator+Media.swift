import Foundation

// MARK: - Media

extension CallCoordinator: MediaEngineDelegate {
    public func mediaEngine(produced signal: RtcSignal, for callId: CallID) {
        guard let payload = try? JSONEncoder().encode(RtcSignalRequest(callId: callId, signal: signal)) else { return }
        let timeout = configuration.requestTimeout
        tracker.spawn { [weak self] in
            // Not queued behind reports: a late ICE candidate is useless, a failed one is retried
            // by WebRTC's own ICE restarts.
            guard let self else { return }
            do {
                _ = try await ClockedRequest.emit(
                    .rtcSignal, payload: payload, timeout: timeout, server: self.server, clock: self.clock, tracker: self.tracker
                )
            } catch {
                self.log?("rtc:signal failed: \(error)")
            }
        }
    }

    public func mediaEngine(measured summary: QualitySummary, for callId: CallID) {
        guard let payload = try? JSONEncoder().encode(QualityReport(callId: callId, summary: summary)) else { return }
        let timeout = configuration.requestTimeout
        tracker.spawn { [weak self] in
            // Not queued behind reports, and not retried: the next one (or the server's window
            // closing) supersedes it, and the call's history simply lacks this end's numbers.
            guard let self else { return }
            do {
                _ = try await ClockedRequest.emit(
                    .qualityReport, payload: payload, timeout: timeout, server: self.server, clock: self.clock, tracker: self.tracker
                )
            } catch {
                self.log?("quality:report failed: \(error)")
            }
        }
    }

    public func mediaEngine(videoNegotiated sending: Bool, for callId: CallID) {
        guard let call = call(callId), sending else { return }
        video(call, .negotiated)
    }

    public func mediaEngine(remoteVideo: Bool, for callId: CallID) {
        guard let call = call(callId), call.remoteVideo != remoteVideo else { return }
        call.remoteVideo = remoteVideo
        presentVideo()
    }

    public func mediaEngineDidConnect(callId: CallID) {
        guard let call = call(callId), call.phase != .connected, call.isAnswered else { return }
        call.phase = .connected
        report(call, .connected)
    }

    public func mediaEngineDidFail(callId: CallID, reason: String) {
        guard let call = call(callId) else { return }
        log?("media failed: \(reason)")
        report(call, .ended, reason: .failed)
        provider.reportCall(call.uuid, endedAt: clock.now, reason: .failed)
        finish(call, reason: .failed)
    }
}
