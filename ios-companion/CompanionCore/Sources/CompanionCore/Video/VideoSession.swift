import Foundation

/// Which camera sends. The rear one by default: staff show the agent what is in front of them.
public enum CameraPosition: String, Codable, Equatable, Sendable, CaseIterable {
    case back, front

    public var other: CameraPosition { self == .back ? .front : .back }
}

/// Why a call's video ended (or never started): the server's `reason` and `by`, and the phone's own.
public enum VideoEnd: Equatable, Sendable {
    /// Staff stopped it.
    case staff
    /// Staff said no to the agent's request.
    case declined
    /// The agent stopped it.
    case agent
    /// The agent withdrew the request before staff answered.
    case cancelled
    /// Nobody answered the request in time.
    case unanswered
    /// The call was put on hold: the camera stops with the voice.
    case held
    /// The call went to another agent, whose console never asked for this camera.
    case transferred
    /// The socket dropped before the upgrade was through (here), or past the server's grace.
    case disconnected
    /// The camera permission is off: the request is refused rather than sending black frames.
    case cameraDenied
    /// The server refused the phone's answer (the request had lapsed meanwhile).
    case refused
}

/// The server's word on a call's video (`video:changed`, or a `video:report` ack).
public enum ServerVideo: Equatable, Sendable {
    case off(VideoEnd?)
    case requested
    case on(CameraPosition?)
    case paused(CameraPosition?)
}

/// The phone's side of a call's video, as a pure state machine: the coordinator feeds it what the
/// agent, the person and the network do, sends what it says to the server, and drives the camera,
/// CallKit's `hasVideo`, the audio mode and the screens from `output` (issue 27 item 4).
///
/// off → requested (the agent asked; the prompt is up) → accepted (the person said yes, or started
/// it; the console re-offers with a video section) → sending (the answer carried the camera) ⇄
/// paused → stopped (either side). The server is the authority (`video:changed`): the phone acts
/// on the person's taps at once and follows the server's state when it comes. Hold stops the
/// camera at once (the server then ends the video); a transfer ends it (the new agent's console
/// asks again); a socket drop abandons an upgrade that is not through, and leaves one that is
/// (the media does not go through the socket).
public struct VideoSession: Equatable, Sendable {
    public enum Phase: Equatable, Sendable {
        case off
        case requested
        case accepted(CameraPosition)
        case sending(CameraPosition)
        case paused(CameraPosition)
        case stopped(VideoEnd)
    }

    public enum Input: Equatable, Sendable {
        /// The server's state for the call.
        case server(ServerVideo)
        /// The person's answer to the prompt, once the camera permission is known.
        case staffAccepted(CameraPermission)
        case staffDeclined
        /// The person turned the camera on without being asked.
        case staffStarted(CameraPermission)
        case staffPaused
        case staffResumed
        case staffStopped
        case staffSwitchedCamera
        /// The answer to the console's re-offer went out with the camera attached.
        case negotiated
        case held(Bool)
        /// The app went to the background (or came back): iOS stops a camera capture there, so
        /// the video is paused for the agent rather than left frozen, and resumed on return.
        case background(Bool)
        case disconnected
        /// The server refused the person's accept or start.
        case refused
    }

    /// What goes to the server (`video:report`).
    public enum Message: Equatable, Sendable {
        case accepted(CameraPosition)
        case declined
        case started(CameraPosition)
        case paused
        case resumed
        case stopped
        case switched(CameraPosition)
    }

    /// What the phone shows and runs, derived from the state: the coordinator applies its changes.
    public struct Output: Equatable, Sendable {
        /// The in-app prompt (and, in the background, a notification).
        public var prompt = false
        /// The camera captures from this position; nil: it is off.
        public var camera: CameraPosition?
        /// The answerer attaches the camera track to the console's video section.
        public var sendsVideo = false
        public var paused = false
        /// The system call screen shows a video call; the audio goes to `.videoChat` on the speaker.
        public var hasVideo = false
    }

    public private(set) var phase: Phase = .off
    public private(set) var held = false
    /// Paused because the app went to the background, not by the person: resumed on return.
    public private(set) var pausedInBackground = false

    public init() {}

    public var output: Output {
        var output = Output()
        switch phase {
        case .requested:
            output.prompt = true
        case let .accepted(position), let .sending(position):
            output.camera = held ? nil : position
            output.sendsVideo = true
            output.hasVideo = true
        case .paused:
            output.sendsVideo = true
            output.paused = true
            output.hasVideo = true
        case .off, .stopped:
            break
        }
        return output
    }

    /// The camera position of a video that is on.
    public var position: CameraPosition? {
        switch phase {
        case let .accepted(position), let .sending(position), let .paused(position): position
        default: nil
        }
    }

    public var isOn: Bool { position != nil }

    /// One input in; what to tell the server, in order. Inputs that make no sense now change nothing.
    public mutating func step(_ input: Input) -> [Message] {
        let messages = apply(input)
        // Only a pause the background made is undone by coming back.
        if case .paused = phase {} else { pausedInBackground = false }
        return messages
    }

    private mutating func apply(_ input: Input) -> [Message] {
        switch (input, phase) {
        case let (.server(state), _):
            follow(state)

        case let (.staffAccepted(permission), .requested):
            guard permission == .granted else {
                phase = .stopped(.cameraDenied)
                return [.declined]
            }
            phase = .accepted(.back)
            return [.accepted(.back)]
        case (.staffDeclined, .requested):
            phase = .stopped(.declined)
            return [.declined]
        case let (.staffStarted(permission), .off), let (.staffStarted(permission), .stopped):
            // Without the permission the camera would send black frames: nothing is started.
            guard permission == .granted, !held else { return [] }
            phase = .accepted(.back)
            return [.started(.back)]
        case let (.staffStarted(permission), .requested):
            // Turning the camera on while the agent's request is up is saying yes to it.
            return apply(.staffAccepted(permission))

        case let (.negotiated, .accepted(position)):
            phase = .sending(position)
        case let (.staffPaused, .sending(position)), let (.staffPaused, .accepted(position)):
            phase = .paused(position)
            return [.paused]
        case let (.staffResumed, .paused(position)):
            phase = .sending(position)
            return [.resumed]
        case (.staffStopped, _) where isOn:
            phase = .stopped(.staff)
            return [.stopped]
        case (.staffStopped, .requested):
            return apply(.staffDeclined)
        case (.staffSwitchedCamera, _) where isOn:
            let position = (self.position ?? .back).other
            move(to: position)
            return [.switched(position)]

        case let (.held(on), _):
            held = on
        case let (.background(true), .sending(position)), let (.background(true), .accepted(position)):
            phase = .paused(position)
            pausedInBackground = true
            return [.paused]
        case let (.background(false), .paused(position)) where pausedInBackground:
            phase = .sending(position)
            pausedInBackground = false
            return [.resumed]
        case (.disconnected, .requested):
            phase = .stopped(.disconnected)
        case (.disconnected, .accepted):
            // The accept may have reached the server: it hears the stop once the socket is back.
            phase = .stopped(.disconnected)
            return [.stopped]
        case (.refused, _) where isOn || phase == .requested:
            phase = .stopped(.refused)
        default:
            break
        }
        return []
    }

    // MARK: - Following the server

    private mutating func follow(_ state: ServerVideo) {
        switch (state, phase) {
        case let (.off(reason), _) where isOn || phase == .requested:
            phase = .stopped(reason ?? .agent)
        case (.off, _):
            break
        case (.requested, .off), (.requested, .stopped):
            phase = .requested
        case (.requested, _):
            // Already answered here; the server has not heard it yet.
            break
        case let (.on(camera), .paused(position)):
            phase = .sending(camera ?? position)
        case let (.on(camera), .requested), let (.on(camera), .off), let (.on(camera), .stopped):
            phase = .accepted(camera ?? .back)
        case (.on, _):
            break
        case let (.paused(camera), _) where isOn:
            phase = .paused(camera ?? position ?? .back)
        case let (.paused(camera), _):
            phase = .paused(camera ?? .back)
        }
    }

    private mutating func move(to position: CameraPosition) {
        switch phase {
        case .accepted: phase = .accepted(position)
        case .sending: phase = .sending(position)
        case .paused: phase = .paused(position)
        default: break
        }
    }
}
