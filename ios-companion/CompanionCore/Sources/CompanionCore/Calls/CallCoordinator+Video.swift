import Foundation

// MARK: - Video (issue 27 item 4)

/// The agent asks for the phone's camera during a call (or the person turns it on); the console
/// re-offers on the same peer connection and the phone's answer carries the camera, so the voice
/// never drops. What the phone does at each step is `VideoSession`'s; here its output drives the
/// camera, the media engine, CallKit's `hasVideo`, the audio mode and the video screen.
extension CallCoordinator {
    // MARK: The person's buttons

    /// "Share camera" on the prompt. The camera permission is asked first if iOS has not yet
    /// (its prompt gives Info.plist's reason); refused, the agent hears why.
    public func acceptVideo(_ uuid: UUID) {
        withCameraPermission(uuid) { [weak self] call, permission in self?.video(call, .staffAccepted(permission)) }
    }

    public func declineVideo(_ uuid: UUID) { video(uuid, .staffDeclined) }

    /// The person turns the camera on without being asked.
    public func startVideo(_ uuid: UUID) {
        withCameraPermission(uuid) { [weak self] call, permission in self?.video(call, .staffStarted(permission)) }
    }

    public func pauseVideo(_ uuid: UUID) { video(uuid, .staffPaused) }
    public func resumeVideo(_ uuid: UUID) { video(uuid, .staffResumed) }
    public func stopVideo(_ uuid: UUID) { video(uuid, .staffStopped) }
    public func switchCamera(_ uuid: UUID) { video(uuid, .staffSwitchedCamera) }

    /// What the video screen shows now (also given to `VideoViewsProtocol` on every change).
    public var videoPresentation: VideoPresentation? { presentation() }

    // MARK: Steps

    func video(_ uuid: UUID, _ input: VideoSession.Input) {
        guard let call = calls[uuid], call.isAnswered else { return }
        video(call, input)
    }

    /// One input into a call's video; what it says goes to the server, and its output's changes
    /// to the camera, the engine, CallKit, the audio and the screen.
    func video(_ call: CompanionCall, _ input: VideoSession.Input) {
        guard calls[call.uuid] === call else { return }
        let before = call.videoSession.output
        let messages = call.videoSession.step(input)
        if case let .stopped(end) = call.videoSession.phase, before.hasVideo || before.prompt {
            call.videoNotice = Self.notice(for: end)
        } else if call.videoSession.isOn || call.videoSession.phase == .requested {
            call.videoNotice = nil
        }
        for message in messages { sendVideo(message, for: call) }
        applyVideoOutput(call, from: before)
    }

    func applyVideoOutput(_ call: CompanionCall, from before: VideoSession.Output) {
        let after = call.videoSession.output
        if after.camera != before.camera {
            if let position = after.camera { camera.start(position, for: call.id) } else { camera.stop() }
        }
        if after.sendsVideo != before.sendsVideo || after.paused != before.paused {
            media.setVideo(sends: after.sendsVideo, paused: after.paused, for: call.id)
        }
        if after.hasVideo != before.hasVideo {
            provider.reportCall(updated: CallUpdate(uuid: call.uuid, handle: call.handle, callerName: call.callerName, hasVideo: after.hasVideo))
            // Speaker while the camera is on (the phone is held out to film), the receiver after.
            configureAudio(after.hasVideo ? .videoCall : .voiceCall)
        }
        if after.prompt != before.prompt {
            if after.prompt, inBackground {
                videoViews.notify(Self.prompt(for: call), for: call.id)
            } else if !after.prompt {
                videoViews.withdrawNotification(for: call.id)
            }
        }
        if !call.videoSession.isOn { hideMarker(call) }
        presentVideo()
    }

    /// A call ends: its camera stops and its screen goes with it.
    func endVideo(_ call: CompanionCall) {
        let before = call.videoSession.output
        if before.camera != nil { camera.stop() }
        if before.prompt { videoViews.withdrawNotification(for: call.id) }
        hideMarker(call)
    }

    // MARK: video:report

    /// Sent at once over a connected socket, else once it is back (a stop after a dropped
    /// upgrade); the ack's state is the server's word. A refused accept or start (the request
    /// lapsed, the call went on hold meanwhile) stops the camera here too.
    func sendVideo(_ message: VideoSession.Message, for call: CompanionCall) {
        guard let payload = try? JSONEncoder().encode(VideoReport(callId: call.id, message)) else { return }
        guard server.isConnected else {
            connectWaiters.append { [weak self] in self?.emitVideo(payload, message, call.id) }
            return
        }
        emitVideo(payload, message, call.id)
    }

    private func emitVideo(_ payload: Data, _ message: VideoSession.Message, _ callId: CallID) {
        let timeout = configuration.requestTimeout
        tracker.spawn { [weak self] in
            guard let self else { return }
            do {
                let data = try await ClockedRequest.emit(
                    .videoReport, payload: payload, timeout: timeout, server: self.server, clock: self.clock, tracker: self.tracker
                )
                guard let call = self.call(callId) else { return }
                switch try JSONDecoder().decode(Ack<VideoStateMessage>.self, from: data) {
                case let .ok(state):
                    self.media.setVideoBitrate(maxKbps: state.maxKbps, for: callId)
                    self.video(call, .server(state.server))
                case let .failure(error):
                    self.log?("video:report refused: \(error.code.rawValue) \(error.message)")
                    if case .accepted = message { self.video(call, .refused) }
                    if case .started = message { self.video(call, .refused) }
                }
            } catch {
                self.log?("video:report failed: \(error)")
            }
        }
    }

    // MARK: The agent's marker

    /// Shown over the preview for `VideoMarker.shownFor`; a newer one replaces it and its time.
    func showMarker(_ marker: VideoMarker, on call: CompanionCall) {
        guard call.videoSession.isOn else { return }
        call.markerHide?.cancel()
        call.marker = marker
        call.markerHide = clock.schedule(after: VideoMarker.shownFor) { [weak self, weak call] in
            guard let self, let call else { return }
            call.marker = nil
            call.markerHide = nil
            self.presentVideo()
        }
        presentVideo()
    }

    private func hideMarker(_ call: CompanionCall) {
        call.markerHide?.cancel()
        call.markerHide = nil
        call.marker = nil
    }

    // MARK: The camera permission

    /// Reads the permission (asking iOS if it never has), then goes on with the call if it is still
    /// there: the person may hang up while iOS's prompt is up.
    private func withCameraPermission(_ uuid: UUID, _ then: @escaping @MainActor (CompanionCall, CameraPermission) -> Void) {
        guard let call = calls[uuid], call.isAnswered else { return }
        let current = camera.permission
        updateStatus { $0.camera = current }
        guard current == .undetermined else { return then(call, current) }
        tracker.spawn { [weak self, weak call] in
            guard let self else { return }
            let answer = await self.camera.requestPermission()
            self.updateStatus { $0.camera = answer }
            guard let call, self.calls[call.uuid] === call else { return }
            then(call, answer)
        }
    }

    /// The app came back to the foreground: the person may have changed it in Settings.
    func cameraMayHaveChanged() {
        let permission = camera.permission
        updateStatus { $0.camera = permission }
    }

    // MARK: What the screen shows

    func presentVideo() {
        let next = presentation()
        guard next != lastVideoPresentation else { return }
        lastVideoPresentation = next
        videoViews.present(next)
    }

    private func presentation() -> VideoPresentation? {
        let call = calls.values
            .filter { $0.isAnswered && ($0.videoSession.phase != .off || $0.remoteVideo || $0.videoNotice != nil) }
            .min { $0.startedAt < $1.startedAt }
        guard let call else { return nil }
        let output = call.videoSession.output
        var presentation = VideoPresentation(callId: call.id)
        presentation.prompt = output.prompt ? Self.prompt(for: call) : nil
        presentation.localPreview = output.sendsVideo
        presentation.mirrored = call.videoSession.position == .front
        presentation.paused = output.paused
        presentation.held = call.videoSession.held && output.sendsVideo
        presentation.remoteVideo = call.remoteVideo && !call.held
        presentation.marker = call.marker
        presentation.notice = call.videoNotice
        return presentation
    }

    static func prompt(for call: CompanionCall) -> VideoPrompt {
        VideoPrompt(
            title: "Share your camera?",
            message: "\(call.callerName) asks to see what your rear camera sees. Your voice call continues either way."
        )
    }

    static func notice(for end: VideoEnd) -> String {
        switch end {
        case .staff, .declined: "Video stopped"
        case .agent: "The agent stopped the video"
        case .cancelled: "The agent no longer asks for video"
        case .unanswered: "The video request lapsed"
        case .held: "Video stopped: the call is on hold"
        case .cameraDenied: "Camera off: allow it in Settings to share video"
        case .transferred: "Video stopped: the call moved to another agent"
        case .disconnected: "Video stopped: the connection dropped"
        case .refused: "Video could not start: the request had lapsed"
        }
    }
}
