import Foundation
import Testing
@testable import CompanionCore

/// Video in a call, through the coordinator (issue 27 item 4): what the agent's request, the
/// person's taps and the server's state do to the camera, the media engine, CallKit's `hasVideo`,
/// the audio mode, the screen and the wire.
@MainActor
@Suite("Video in a call: the upgrade, the downgrade, and everything around them")
struct VideoCallTests {
    /// `video:changed` as the server sends it.
    static func state(
        _ id: CallID, _ state: VideoStateName, by: VideoSide? = nil, reason: VideoOffReason? = nil, camera: CameraPosition? = nil
    ) -> String {
        let quoted = { (value: String?) in value.map { "\"\($0)\"" } ?? "null" }
        return #"{"callId":"\#(id.wireValue)","state":"\#(state.rawValue)","by":\#(quoted(by?.rawValue)),"reason":\#(quoted(reason?.rawValue)),"camera":\#(quoted(camera?.rawValue)),"agentCamera":false,"maxKbps":1200,"snapshots":true,"at":1795587575000}"#
    }

    static func ack(_ json: String) -> TestServerConnection.Reply { .ack(#"{"ok":true,"data":"# + json + "}") }

    func videoReports(_ harness: Harness) -> [VideoReport] {
        harness.server.emits(.videoReport).compactMap { try? $0.decode(VideoReport.self) }
    }

    /// An answered call whose agent asked for video, the prompt up.
    func requested(_ harness: Harness) async -> CallID {
        let id = await harness.answered()
        harness.server.broadcast(DeviceBroadcastName.videoChanged.rawValue, json: Self.state(id, .requested, by: .agent))
        return id
    }

    /// The person accepted and the console's re-offer was answered with the camera.
    func sending(_ harness: Harness) async -> CallID {
        let id = await requested(harness)
        harness.server.script[.videoReport] = [Self.ack(Self.state(id, .on, by: .phone, camera: .back))]
        harness.coordinator.acceptVideo(id.uuid)
        await harness.settle()
        harness.media.delegate?.mediaEngine(videoNegotiated: true, for: id)
        return id
    }

    @Test("the agent asks, the person accepts: rear camera, camera track, hasVideo, video audio on the speaker")
    func upgrade() async throws {
        let harness = Harness()
        let id = await requested(harness)
        #expect(harness.videoViews.current?.prompt != nil)
        #expect(harness.camera.running == nil)

        harness.server.script[.videoReport] = [Self.ack(Self.state(id, .on, by: .phone, camera: .back))]
        harness.coordinator.acceptVideo(id.uuid)
        await harness.settle()
        #expect(videoReports(harness) == [VideoReport(callId: id, event: .accepted, camera: .back)])
        #expect(harness.camera.running == .back)
        #expect(harness.media.events.suffix(2) == [.video(sends: true, paused: false, id), .bitrate(1200, id)])
        #expect(harness.provider.events.last == .updated(CallUpdate(
            uuid: id.uuid, handle: CallHandle("+15551234567"), callerName: "Support · Alice", hasVideo: true
        )))
        #expect(harness.audio.events.last == .configure(.videoCall))
        #expect(harness.videoViews.current?.prompt == nil)
        #expect(harness.videoViews.current?.localPreview == true)
        // Voice was never touched: the call is still the one CallKit call, not ended, not re-prepared.
        #expect(harness.media.events.filter { if case .prepare = $0 { true } else { false } }.count == 1)
        #expect(!harness.media.events.contains(.close(id)))
        harness.media.delegate?.mediaEngine(videoNegotiated: true, for: id)
        #expect(harness.coordinator.calls[id.uuid]?.videoSession.phase == .sending(.back))
    }

    @Test("stopped by the agent: camera off, track detached, hasVideo off, back to voice on the receiver")
    func agentStops() async throws {
        let harness = Harness()
        let id = await sending(harness)
        harness.server.broadcast(DeviceBroadcastName.videoChanged.rawValue, json: Self.state(id, .off, by: .agent, reason: .stopped))
        #expect(harness.camera.running == nil)
        #expect(harness.media.events.last == .video(sends: false, paused: false, id))
        #expect(harness.provider.events.last.map { if case let .updated(update) = $0 { update.hasVideo } else { true } } == false)
        #expect(harness.audio.events.suffix(2) == [.configure(.videoCall), .configure(.voiceCall)])
        #expect(harness.videoViews.current?.notice == "The agent stopped the video")
        #expect(videoReports(harness).count == 1)
    }

    @Test("stopped, paused, resumed and switched by the person: each reported, the camera follows")
    func staffControls() async throws {
        let harness = Harness()
        let id = await sending(harness)
        harness.coordinator.switchCamera(id.uuid)
        #expect(harness.camera.running == .front)
        #expect(harness.videoViews.current?.mirrored == true)
        harness.coordinator.pauseVideo(id.uuid)
        #expect(harness.camera.running == nil)
        #expect(harness.media.events.last == .video(sends: true, paused: true, id))
        harness.coordinator.resumeVideo(id.uuid)
        #expect(harness.camera.running == .front)
        harness.coordinator.stopVideo(id.uuid)
        await harness.settle()
        #expect(harness.camera.running == nil)
        #expect(videoReports(harness).map(\.event) == [.accepted, .switched, .paused, .resumed, .stopped])
        #expect(videoReports(harness)[1].camera == .front)
    }

    @Test("the camera permission is asked once, with the system prompt; refused, the agent hears no")
    func permission() async throws {
        let harness = Harness(camera: .undetermined)
        harness.camera.answer = .denied
        let id = await requested(harness)
        harness.coordinator.acceptVideo(id.uuid)
        await harness.settle()
        #expect(harness.camera.requests == 1)
        #expect(videoReports(harness) == [VideoReport(callId: id, event: .declined)])
        #expect(harness.camera.events.isEmpty)
        #expect(harness.coordinator.status.camera == .denied)
        #expect(harness.videoViews.current?.notice == "Camera off: allow it in Settings to share video")

        let allowed = Harness(camera: .undetermined)
        let other = await requested(allowed)
        allowed.coordinator.acceptVideo(other.uuid)
        await allowed.settle()
        #expect(allowed.camera.requests == 1)
        #expect(allowed.camera.running == .back)
    }

    @Test("in the background the request also comes as a notification, withdrawn once answered")
    func backgroundPrompt() async throws {
        let harness = Harness()
        let id = await harness.answered()
        harness.coordinator.appDidEnterBackground()
        harness.server.broadcast(DeviceBroadcastName.videoChanged.rawValue, json: Self.state(id, .requested, by: .agent))
        #expect(harness.videoViews.notified == [id])
        harness.coordinator.declineVideo(id.uuid)
        await harness.settle()
        #expect(harness.videoViews.withdrawn == [id])
        #expect(videoReports(harness).map(\.event) == [.declined])
    }

    @Test("the app goes to the background mid-video: paused for the agent, resumed on return")
    func background() async throws {
        let harness = Harness()
        let id = await sending(harness)
        harness.coordinator.appDidEnterBackground()
        await harness.settle()
        #expect(harness.camera.running == nil)
        harness.coordinator.appDidBecomeActive()
        await harness.settle()
        #expect(harness.camera.running == .back)
        #expect(videoReports(harness).map(\.event) == [.accepted, .paused, .resumed])
        #expect(harness.provider.live == [id.uuid])
    }

    @Test("the agent's marker shows on the preview for four seconds; a newer one replaces it and its time")
    func marker() async throws {
        let harness = Harness()
        let id = await sending(harness)
        let marker = { (x: Double) in #"{"callId":"\#(id.wireValue)","x":\#(x),"y":0.5,"at":1795587575000}"# }
        harness.server.broadcast(DeviceBroadcastName.videoMarker.rawValue, json: marker(0.25))
        #expect(harness.videoViews.current?.marker == VideoMarker(x: 0.25, y: 0.5))
        harness.clock.advance(by: .seconds(3))
        harness.server.broadcast(DeviceBroadcastName.videoMarker.rawValue, json: marker(0.75))
        harness.clock.advance(by: .seconds(3))
        #expect(harness.videoViews.current?.marker == VideoMarker(x: 0.75, y: 0.5))
        harness.clock.advance(by: .seconds(1))
        #expect(harness.videoViews.current?.marker == nil)
        // Out of the picture, or with no video on: not shown.
        harness.server.broadcast(DeviceBroadcastName.videoMarker.rawValue, json: marker(1.5))
        #expect(harness.videoViews.current?.marker == nil)
        // The video stops while a marker shows: it goes with the video, not four seconds later.
        harness.server.broadcast(DeviceBroadcastName.videoMarker.rawValue, json: marker(0.5))
        #expect(harness.videoViews.current?.marker == VideoMarker(x: 0.5, y: 0.5))
        harness.coordinator.stopVideo(id.uuid)
        #expect(harness.videoViews.current?.marker == nil)
        harness.server.broadcast(DeviceBroadcastName.videoMarker.rawValue, json: marker(0.5))
        #expect(harness.videoViews.current?.marker == nil)
    }

    @Test("held from the phone: the camera stops at once, and the server's `held` ends the video")
    func hold() async throws {
        let harness = Harness()
        let id = await sending(harness)
        harness.provider.perform(.setHeld(true), on: id.uuid)
        #expect(harness.camera.running == nil)
        harness.server.broadcast(DeviceBroadcastName.videoChanged.rawValue, json: Self.state(id, .off, reason: .held))
        #expect(harness.media.events.last == .video(sends: false, paused: false, id))
        #expect(harness.audio.events.last == .configure(.voiceCall))
        harness.provider.perform(.setHeld(false), on: id.uuid)
        #expect(harness.camera.running == nil)
    }

    @Test("transferred: the new agent's console never asked, so the video stops")
    func transfer() async throws {
        let harness = Harness()
        let id = await sending(harness)
        harness.server.broadcast(DeviceBroadcastName.videoChanged.rawValue, json: Self.state(id, .off, reason: .transferred))
        #expect(harness.camera.running == nil)
        #expect(harness.videoViews.current?.notice == "Video stopped: the call moved to another agent")
    }

    @Test("the socket drops mid-upgrade: the camera stops, and the server hears `stopped` once it is back")
    func socketDrop() async throws {
        let harness = Harness()
        let id = await requested(harness)
        harness.server.script[.videoReport] = [.hang]
        harness.coordinator.acceptVideo(id.uuid)
        await harness.yieldUntil { harness.server.emits(.videoReport).count == 1 }
        #expect(harness.camera.running == .back)
        harness.server.simulateDisconnect()
        await harness.settle()
        #expect(harness.camera.running == nil)
        #expect(harness.provider.live == [id.uuid])
        harness.server.simulateConnect()
        await harness.settle()
        #expect(videoReports(harness).map(\.event) == [.accepted, .stopped])

        // Video already flowing goes on: the media does not go through the socket.
        let flowing = Harness()
        _ = await sending(flowing)
        flowing.server.simulateDisconnect()
        #expect(flowing.camera.running == .back)
    }

    @Test("a late accept the server refuses (the request lapsed) stops the camera it started")
    func refusedAccept() async throws {
        let harness = Harness()
        let id = await requested(harness)
        harness.server.script[.videoReport] = [TestServerConnection.error(.invalidTransition, "no request")]
        harness.coordinator.acceptVideo(id.uuid)
        await harness.settle()
        #expect(harness.camera.running == nil)
        #expect(harness.media.events.last == .video(sends: false, paused: false, id))
    }

    @Test("the call ends: the camera stops and the video screen goes")
    func callEnds() async throws {
        let harness = Harness()
        let id = await sending(harness)
        harness.provider.perform(.end, on: id.uuid)
        #expect(harness.camera.running == nil)
        #expect(harness.videoViews.presented.last == .some(nil))
    }

    @Test("the person starts video unasked; a phone without a camera permission starts nothing")
    func staffStarts() async throws {
        let harness = Harness()
        let id = await harness.answered()
        harness.coordinator.startVideo(id.uuid)
        await harness.settle()
        #expect(videoReports(harness) == [VideoReport(callId: id, event: .started, camera: .back)])
        #expect(harness.camera.running == .back)

        let denied = Harness(camera: .denied)
        let other = await denied.answered()
        denied.coordinator.startVideo(other.uuid)
        await denied.settle()
        #expect(videoReports(denied).isEmpty)
        #expect(denied.camera.requests == 0)
    }
}
