import Foundation
import Testing
@testable import CompanionCore

/// The phone's video state machine alone (issue 27 item 4): who may start, pause and stop it, and
/// what hold, a transfer or a dropped socket do to it.
@Suite("Video state: off → requested → accepted → sending ⇄ paused → stopped")
struct VideoSessionTests {
    static func sending(_ position: CameraPosition = .back) -> VideoSession {
        var session = VideoSession()
        _ = session.step(.server(.requested))
        _ = session.step(.staffAccepted(.granted))
        _ = session.step(.negotiated)
        if position == .front { _ = session.step(.staffSwitchedCamera) }
        return session
    }

    @Test("the agent asks, the person accepts: the rear camera runs once accepted, sends once negotiated")
    func upgrade() {
        var session = VideoSession()
        #expect(session.step(.server(.requested)) == [])
        #expect(session.phase == .requested)
        #expect(session.output == VideoSession.Output(prompt: true))
        #expect(session.step(.staffAccepted(.granted)) == [.accepted(.back)])
        #expect(session.phase == .accepted(.back))
        #expect(session.output == VideoSession.Output(camera: .back, sendsVideo: true, hasVideo: true))
        #expect(session.step(.negotiated) == [])
        #expect(session.phase == .sending(.back))
        // A second request while the camera is on changes nothing.
        #expect(session.step(.server(.requested)) == [])
        #expect(session.phase == .sending(.back))
    }

    @Test("declined, or the camera permission off: the agent hears why, nothing runs")
    func refusals() {
        var declined = VideoSession()
        _ = declined.step(.server(.requested))
        #expect(declined.step(.staffDeclined) == [.declined])
        #expect(declined.output == VideoSession.Output())

        for permission in [CameraPermission.denied, .restricted, .undetermined] {
            var denied = VideoSession()
            _ = denied.step(.server(.requested))
            #expect(denied.step(.staffAccepted(permission)) == [.declined])
            #expect(denied.phase == .stopped(.cameraDenied))
            #expect(denied.output.camera == nil)
        }
        // Starting without the permission starts nothing and tells nobody.
        var start = VideoSession()
        #expect(start.step(.staffStarted(.denied)) == [])
        #expect(start.phase == .off)
    }

    @Test("the person starts it without being asked, or by turning it on while the prompt is up")
    func staffStarts() {
        var session = VideoSession()
        #expect(session.step(.staffStarted(.granted)) == [.started(.back)])
        #expect(session.phase == .accepted(.back))

        var prompted = VideoSession()
        _ = prompted.step(.server(.requested))
        #expect(prompted.step(.staffStarted(.granted)) == [.accepted(.back)])
        #expect(prompted.phase == .accepted(.back))
    }

    @Test("pause keeps the track negotiated and stops the camera; resume runs it again")
    func pause() {
        var session = Self.sending()
        #expect(session.step(.staffPaused) == [.paused])
        #expect(session.output == VideoSession.Output(sendsVideo: true, paused: true, hasVideo: true))
        #expect(session.step(.staffPaused) == [])
        #expect(session.step(.staffResumed) == [.resumed])
        #expect(session.output.camera == .back)
    }

    @Test("the camera switches between rear and front, paused or not, and the server hears which")
    func switchCamera() {
        var session = Self.sending()
        #expect(session.step(.staffSwitchedCamera) == [.switched(.front)])
        #expect(session.output.camera == .front)
        _ = session.step(.staffPaused)
        #expect(session.step(.staffSwitchedCamera) == [.switched(.back)])
        _ = session.step(.staffResumed)
        #expect(session.output.camera == .back)
        var off = VideoSession()
        #expect(off.step(.staffSwitchedCamera) == [])
    }

    @Test("the server's state is followed: its pause, its resume, its own camera word")
    func followsServer() {
        var session = Self.sending(.front)
        _ = session.step(.server(.paused(.front)))
        #expect(session.phase == .paused(.front))
        _ = session.step(.server(.on(nil)))
        #expect(session.phase == .sending(.front))
        // The ack of the person's own accept says `on`: nothing changes, the camera keeps running.
        var accepted = VideoSession()
        _ = accepted.step(.server(.requested))
        _ = accepted.step(.staffAccepted(.granted))
        _ = accepted.step(.server(.on(.back)))
        #expect(accepted.phase == .accepted(.back))
        // A `requested` broadcast older than the person's accept does not bring the prompt back.
        _ = accepted.step(.server(.requested))
        #expect(accepted.output.prompt == false)
    }

    @Test("stopped by either side; the agent may ask again afterwards")
    func stop() {
        var staff = Self.sending()
        #expect(staff.step(.staffStopped) == [.stopped])
        #expect(staff.phase == .stopped(.staff))
        #expect(staff.output == VideoSession.Output())
        #expect(staff.step(.staffStopped) == [])

        var agent = Self.sending(.front)
        #expect(agent.step(.server(.off(.agent))) == [])
        #expect(agent.phase == .stopped(.agent))
        _ = agent.step(.server(.requested))
        #expect(agent.phase == .requested)
        // The agent withdraws the request before the person answers: the prompt goes.
        #expect(agent.step(.server(.off(.cancelled))) == [])
        #expect(agent.output.prompt == false)
        #expect(agent.phase == .stopped(.cancelled))
        // A stop for a video that is off says nothing.
        var off = VideoSession()
        #expect(off.step(.server(.off(.agent))) == [] && off.phase == .off)
    }

    @Test("hold stops the camera at once; the server then ends the video (`held`); no start while held")
    func hold() {
        var ended = Self.sending()
        _ = ended.step(.held(true))
        #expect(ended.output.camera == nil)
        _ = ended.step(.server(.off(.held)))
        #expect(ended.phase == .stopped(.held))
        #expect(ended.step(.staffStarted(.granted)) == [])
        _ = ended.step(.held(false))
        #expect(ended.step(.staffStarted(.granted)) == [.started(.back)])

        var session = Self.sending(.front)
        _ = session.step(.held(true))
        #expect(session.output.camera == nil)
        #expect(session.output.hasVideo)
        #expect(session.phase == .sending(.front))
        _ = session.step(.held(false))
        #expect(session.output.camera == .front)

        // Paused, then held and resumed: still paused.
        var paused = Self.sending()
        _ = paused.step(.staffPaused)
        _ = paused.step(.held(true))
        _ = paused.step(.held(false))
        #expect(paused.output.camera == nil && paused.output.paused)
    }

    @Test("a transfer stops the video and withdraws a request; the new agent asks again")
    func transfer() {
        var session = Self.sending()
        #expect(session.step(.server(.off(.transferred))) == [])
        #expect(session.phase == .stopped(.transferred))
        var requested = VideoSession()
        _ = requested.step(.server(.requested))
        _ = requested.step(.server(.off(.transferred)))
        #expect(requested.output.prompt == false)
        _ = requested.step(.server(.requested))
        #expect(requested.output.prompt)
    }

    @Test("a refused accept (the request lapsed meanwhile) stops the camera it started")
    func refused() {
        var session = VideoSession()
        _ = session.step(.server(.requested))
        _ = session.step(.staffAccepted(.granted))
        #expect(session.step(.refused) == [])
        #expect(session.phase == .stopped(.refused))
        #expect(session.output == VideoSession.Output())
    }

    @Test("the socket drops mid-upgrade: abandoned (a stop follows an accept); flowing video goes on")
    func socketDrop() {
        var requested = VideoSession()
        _ = requested.step(.server(.requested))
        #expect(requested.step(.disconnected) == [])
        #expect(requested.phase == .stopped(.disconnected))

        var accepted = VideoSession()
        _ = accepted.step(.server(.requested))
        _ = accepted.step(.staffAccepted(.granted))
        #expect(accepted.step(.disconnected) == [.stopped])
        #expect(accepted.output.camera == nil)

        var flowing = Self.sending()
        #expect(flowing.step(.disconnected) == [])
        #expect(flowing.phase == .sending(.back))
    }
}

@Suite("The agent's marker: a normalised point on the picture")
struct VideoMarkerTests {
    @Test("decodes a point inside the picture, refuses one outside or not a number")
    func decoding() throws {
        let marker = try JSONDecoder().decode(VideoMarker.self, from: Data(#"{"x":0.25,"y":1}"#.utf8))
        #expect(marker == VideoMarker(x: 0.25, y: 1))
        for bad in [#"{"x":-0.01,"y":0.5}"#, #"{"x":0.5,"y":1.01}"#, #"{"x":"0.5","y":0.5}"#, #"{"x":0.5}"#] {
            #expect(throws: (any Error).self) { try JSONDecoder().decode(VideoMarker.self, from: Data(bad.utf8)) }
        }
    }

    @Test("placed on a preview that crops the picture to fill it, mirrored for the front camera")
    func placement() throws {
        // A 640×480 picture filling a 300×600 portrait view: scaled ×1.25 to 800×600, 250 cropped each side.
        let centre = try #require(VideoMarker(x: 0.5, y: 0.5).point(view: (300, 600), video: (640, 480), mirrored: false))
        #expect(centre.x == 150 && centre.y == 300)
        let left = try #require(VideoMarker(x: 0.4, y: 0).point(view: (300, 600), video: (640, 480), mirrored: false))
        #expect(left.x == 70 && left.y == 0)
        let mirrored = try #require(VideoMarker(x: 0.4, y: 0).point(view: (300, 600), video: (640, 480), mirrored: true))
        #expect(mirrored.x == 230)
        // Cropped off the preview: not drawn at its edge, where it would point at something else.
        #expect(VideoMarker(x: 0.1, y: 0.5).point(view: (300, 600), video: (640, 480), mirrored: false) == nil)
    }
}

@Suite("The console's re-offer: a video section, and whether the agent's camera is in it")
struct VideoOfferTests {
    static let audio = "v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=sendrecv\r\n"

    @Test("a video section is found; the agent's camera is in it unless it is receive-only, inactive or rejected")
    func sections() {
        #expect(!AnswererState.hasVideoSection(Self.audio))
        let receiveOnly = Self.audio + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=recvonly\r\n"
        #expect(AnswererState.hasVideoSection(receiveOnly))
        #expect(!AnswererState.offerSendsVideo(receiveOnly))
        #expect(AnswererState.offerSendsVideo(Self.audio + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=sendrecv\r\n"))
        #expect(AnswererState.offerSendsVideo(Self.audio + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\n"))
        #expect(!AnswererState.offerSendsVideo(Self.audio + "m=video 0 UDP/TLS/RTP/SAVPF 96\r\na=sendrecv\r\n"))
        #expect(!AnswererState.offerSendsVideo(Self.audio + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=inactive\r\n"))
        // The audio section's direction says nothing about the video's.
        #expect(!AnswererState.offerSendsVideo("v=0\r\nm=video 9 UDP 96\r\na=recvonly\r\nm=audio 9 UDP 111\r\na=sendrecv\r\n"))
    }

    @Test("a re-offer from the same session with a video section gets the camera before the answer while video is on")
    func reOffer() {
        var answerer = AnswererState()
        _ = answerer.step(.answered)
        _ = answerer.step(.ice(AnswererTests.turn))
        _ = answerer.step(.signal(.offer(sdp: Self.audio)))
        _ = answerer.step(.remoteSet)
        _ = answerer.step(.localAnswer(sdp: "answer"))
        #expect(answerer.step(.video(send: true)) == [])
        let video = Self.audio.replacingOccurrences(of: "7 2", with: "7 3") + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=recvonly\r\n"
        #expect(answerer.step(.signal(.offer(sdp: video))) == [.fetchIce])
        #expect(answerer.step(.ice(AnswererTests.turn)) == [.configure(AnswererTests.turn), .setRemoteOffer(sdp: video)])
        #expect(answerer.step(.remoteSet) == [.camera(send: true), .createAnswer])
        _ = answerer.step(.localAnswer(sdp: "answer 2"))
        // Video off: the camera comes off at once, not at the console's next offer.
        #expect(answerer.step(.video(send: false)) == [.camera(send: false)])
        #expect(answerer.step(.video(send: false)) == [])
    }
}

@Suite("Video and the app in the background")
struct VideoBackgroundTests {
    @Test("the background pauses a sending video (iOS stops the capture) and the return resumes it")
    func background() {
        var session = VideoSessionTests.sending()
        #expect(session.step(.background(true)) == [.paused])
        #expect(session.output.camera == nil && session.output.paused)
        #expect(session.step(.background(false)) == [.resumed])
        #expect(session.output.camera == .back)
    }

    @Test("a pause the person chose stays paused after the return; a stop meanwhile stays stopped")
    func personsPause() {
        var paused = VideoSessionTests.sending()
        _ = paused.step(.staffPaused)
        #expect(paused.step(.background(true)) == [])
        #expect(paused.step(.background(false)) == [])
        #expect(paused.phase == .paused(.back))

        var stopped = VideoSessionTests.sending()
        _ = stopped.step(.background(true))
        _ = stopped.step(.server(.off(.agent)))
        #expect(stopped.step(.background(false)) == [])
        #expect(stopped.phase == .stopped(.agent))
        // And a video started later is not resumed by a stale flag.
        _ = stopped.step(.server(.requested))
        _ = stopped.step(.staffAccepted(.granted))
        _ = stopped.step(.staffPaused)
        #expect(stopped.step(.background(false)) == [])
    }
}
