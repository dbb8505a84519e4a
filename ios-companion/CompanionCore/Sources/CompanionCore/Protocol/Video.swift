import Foundation

// The wire of video in a call (`shared/src/video.ts`, issue 27): the server holds each call's
// video state and broadcasts it (`video:changed`); the phone reports what the person did
// (`video:report`, answered with the state) and draws the agent's marker (`video:marker`).

/// What a phone can do beyond the base protocol, announced in its handshake (`DEVICE_FEATURES`).
public enum DeviceFeature: String, Codable, Sendable, CaseIterable {
    /// It can send its camera: the server never asks a phone that did not announce it.
    case video
    /// It takes a `call:report`'s ack, which carries the call as that report left it, as the
    /// call's change: the server sends this socket no `call:changed` for a change its own report
    /// made (`CallCoordinator.delivered`).
    case reportAcks
}

/// `VIDEO_STATES`.
public enum VideoStateName: String, Codable, Sendable, CaseIterable {
    case off, requested, on, paused
}

/// `VIDEO_SIDES`: who made the latest change.
public enum VideoSide: String, Codable, Sendable, CaseIterable {
    case agent, phone
}

/// `VIDEO_OFF_REASONS`: why video went (back) to `off`.
public enum VideoOffReason: String, Codable, Sendable, CaseIterable {
    case declined, cancelled, unanswered, stopped, held, transferred
}

/// `videoStateSchema`: one call's video, as `video:changed` carries it and `video:report` answers.
public struct VideoStateMessage: Codable, Equatable, Sendable {
    public var callId: CallID
    public var state: VideoStateName
    public var by: VideoSide?
    public var reason: VideoOffReason?
    public var camera: CameraPosition?
    /// The agent's camera goes to the phone too (two-way video).
    public var agentCamera: Bool
    /// The cap on the phone's video encoder, kbit/s (the team's setting when the call began).
    public var maxKbps: Int
    public var snapshots: Bool
    public var at: Int64

    /// `VIDEO_KBPS`.
    public static let kbps = 150...4_000

    private enum CodingKeys: String, CodingKey { case callId, state, by, reason, camera, agentCamera, maxKbps, snapshots, at }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        callId = try c.decode(CallID.self, forKey: .callId)
        state = try c.decode(VideoStateName.self, forKey: .state)
        by = try c.decodeNullable(VideoSide.self, forKey: .by)
        reason = try c.decodeNullable(VideoOffReason.self, forKey: .reason)
        camera = try c.decodeNullable(CameraPosition.self, forKey: .camera)
        agentCamera = try c.decode(Bool.self, forKey: .agentCamera)
        maxKbps = try c.decode(Int.self, forKey: .maxKbps)
        guard Self.kbps.contains(maxKbps) else { throw c.fail(.maxKbps, "must be within \(Self.kbps)") }
        snapshots = try c.decode(Bool.self, forKey: .snapshots)
        at = try c.decodeEpochMs(.at)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(callId, forKey: .callId)
        try c.encode(state, forKey: .state)
        // Nullable, not optional: present as null.
        try c.encode(by, forKey: .by)
        try c.encode(reason, forKey: .reason)
        try c.encode(camera, forKey: .camera)
        try c.encode(agentCamera, forKey: .agentCamera)
        try c.encode(maxKbps, forKey: .maxKbps)
        try c.encode(snapshots, forKey: .snapshots)
        try c.encode(at, forKey: .at)
    }

    /// What the phone's video follows.
    public var server: ServerVideo {
        switch state {
        case .off: .off(end)
        case .requested: .requested
        case .on: .on(camera)
        case .paused: .paused(camera)
        }
    }

    /// Why it is off, in the phone's words (nil: never on, or no reason given).
    public var end: VideoEnd? {
        switch reason {
        case nil: nil
        case .declined?: .declined
        case .cancelled?: .cancelled
        case .unanswered?: .unanswered
        case .stopped?: by == .phone ? .staff : .agent
        case .held?: .held
        case .transferred?: .transferred
        }
    }
}

/// `VIDEO_REPORT_EVENTS`.
public enum VideoReportEvent: String, Codable, Sendable, CaseIterable {
    case accepted, declined, started, paused, resumed, stopped, switched
}

/// `videoReportSchema`: what the person did; `camera` says which one streams after it
/// (required for `switched`).
public struct VideoReport: Codable, Equatable, Sendable {
    public var callId: CallID
    public var event: VideoReportEvent
    public var camera: CameraPosition?

    public init(callId: CallID, event: VideoReportEvent, camera: CameraPosition? = nil) {
        self.callId = callId
        self.event = event
        self.camera = camera
    }

    public init(callId: CallID, _ message: VideoSession.Message) {
        switch message {
        case let .accepted(camera): self.init(callId: callId, event: .accepted, camera: camera)
        case .declined: self.init(callId: callId, event: .declined)
        case let .started(camera): self.init(callId: callId, event: .started, camera: camera)
        case .paused: self.init(callId: callId, event: .paused)
        case .resumed: self.init(callId: callId, event: .resumed)
        case .stopped: self.init(callId: callId, event: .stopped)
        case let .switched(camera): self.init(callId: callId, event: .switched, camera: camera)
        }
    }

    private enum CodingKeys: String, CodingKey { case callId, event, camera }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        callId = try c.decode(CallID.self, forKey: .callId)
        event = try c.decode(VideoReportEvent.self, forKey: .event)
        camera = try c.decodeOptional(CameraPosition.self, forKey: .camera)
        if event == .switched, camera == nil { throw c.fail(.camera, "switched needs the camera it switched to") }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(callId, forKey: .callId)
        try c.encode(event, forKey: .event)
        // Optional, not nullable: omitted rather than null.
        try c.encodeIfPresent(camera, forKey: .camera)
    }
}

/// `videoMarkerSchema`: the agent points at a spot; shown for `VideoMarker.shownFor` unless a
/// newer one comes.
public struct VideoMarkerMessage: Codable, Equatable, Sendable {
    public var callId: CallID
    public var marker: VideoMarker
    public var at: Int64

    private enum CodingKeys: String, CodingKey { case callId, x, y, at }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        callId = try c.decode(CallID.self, forKey: .callId)
        marker = try VideoMarker(from: decoder)
        at = try c.decodeEpochMs(.at)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(callId, forKey: .callId)
        try c.encode(marker.x, forKey: .x)
        try c.encode(marker.y, forKey: .y)
        try c.encode(at, forKey: .at)
    }
}
