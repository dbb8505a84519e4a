import Foundation

// MARK: - Leg

/// One device's part in a ring-all call (`legSchema`).
public struct Leg: Codable, Equatable, Sendable {
    public var deviceId: String
    public var state: LegState
    public var endReason: EndReason?

    public init(deviceId: String, state: LegState, endReason: EndReason? = nil) {
        self.deviceId = deviceId
        self.state = state
        self.endReason = endReason
    }

    private enum CodingKeys: String, CodingKey { case deviceId, state, endReason }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        deviceId = try c.decodeEntityID(.deviceId)
        state = try c.decode(LegState.self, forKey: .state)
        endReason = try c.decodeNullable(EndReason.self, forKey: .endReason)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(deviceId, forKey: .deviceId)
        try c.encode(state, forKey: .state)
        try c.encode(endReason, forKey: .endReason)
    }
}

// MARK: - Timeline

/// One entry of a call's timeline (`timelineEntrySchema`).
public struct TimelineEntry: Codable, Equatable, Sendable {
    public var at: Int64
    public var event: String
    public var source: EventSource
    public var actorId: String?
    public var detail: String?

    public init(at: Int64, event: String, source: EventSource, actorId: String? = nil, detail: String? = nil) {
        self.at = at
        self.event = event
        self.source = source
        self.actorId = actorId
        self.detail = detail
    }

    private enum CodingKeys: String, CodingKey { case at, event, source, actorId, detail }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        at = try c.decodeEpochMs(.at)
        event = try c.decodeString(.event, min: 1, max: 64)
        source = try c.decode(EventSource.self, forKey: .source)
        actorId = try c.decodeNullableEntityID(.actorId)
        detail = try c.decodeNullableString(.detail, max: 500)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(at, forKey: .at)
        try c.encode(event, forKey: .event)
        try c.encode(source, forKey: .source)
        try c.encode(actorId, forKey: .actorId)
        try c.encode(detail, forKey: .detail)
    }
}

// MARK: - Push record

/// How APNs answered one push (`pushRecordSchema`). "accepted" means APNs took it, not that it rang.
public struct PushRecord: Codable, Equatable, Sendable {
    public var deviceId: String
    public var kind: PushKind
    public var at: Int64
    public var apnsId: String?
    public var status: Int?
    public var reason: String?
    public var outcome: PushOutcome
    public var attempt: Int
    public var latencyMs: Double

    private enum CodingKeys: String, CodingKey {
        case deviceId, kind, at, apnsId, status, reason, outcome, attempt, latencyMs
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        deviceId = try c.decodeEntityID(.deviceId)
        kind = try c.decode(PushKind.self, forKey: .kind)
        at = try c.decodeEpochMs(.at)
        apnsId = try c.decodeNullableString(.apnsId, max: 64)
        status = try c.decodeNullable(Int.self, forKey: .status)
        reason = try c.decodeNullableString(.reason, max: 200)
        outcome = try c.decode(PushOutcome.self, forKey: .outcome)
        attempt = try c.decode(Int.self, forKey: .attempt)
        guard attempt > 0 else { throw c.fail(.attempt, "must be a positive integer") }
        latencyMs = try c.decode(Double.self, forKey: .latencyMs)
        guard latencyMs >= 0 else { throw c.fail(.latencyMs, "must not be negative") }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(deviceId, forKey: .deviceId)
        try c.encode(kind, forKey: .kind)
        try c.encode(at, forKey: .at)
        try c.encode(apnsId, forKey: .apnsId)
        try c.encode(status, forKey: .status)
        try c.encode(reason, forKey: .reason)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(attempt, forKey: .attempt)
        try c.encode(latencyMs, forKey: .latencyMs)
    }
}

// MARK: - Transfer

/// One hand-over of the call to another agent (`transferSchema`). The phone keeps its one
/// CallKit call throughout; it only reflects the hold of a warm transfer and answers the new
/// console's offer (a new SDP session, see `AnswererState`).
public struct Transfer: Codable, Equatable, Sendable {
    public var kind: TransferKind
    public var fromAgentId: String
    public var toAgentId: String
    public var fromName: String
    public var toName: String
    public var state: TransferState
    public var startedAt: Int64
    public var ringUntil: Int64
    public var acceptedAt: Int64?
    public var endedAt: Int64?
    public var detail: String?

    /// Whether it is under way: ringing the other agent, or the two agents consulting.
    public var isLive: Bool { state == .ringing || state == .consulting }

    private enum CodingKeys: String, CodingKey {
        case kind, fromAgentId, toAgentId, fromName, toName, state, startedAt, ringUntil, acceptedAt, endedAt, detail
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(TransferKind.self, forKey: .kind)
        fromAgentId = try c.decodeEntityID(.fromAgentId)
        toAgentId = try c.decodeEntityID(.toAgentId)
        fromName = try c.decodeString(.fromName, max: 80)
        toName = try c.decodeString(.toName, max: 80)
        state = try c.decode(TransferState.self, forKey: .state)
        startedAt = try c.decodeEpochMs(.startedAt)
        ringUntil = try c.decodeEpochMs(.ringUntil)
        acceptedAt = try c.decodeNullableEpochMs(.acceptedAt)
        endedAt = try c.decodeNullableEpochMs(.endedAt)
        detail = try c.decodeNullableString(.detail, max: 200)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(fromAgentId, forKey: .fromAgentId)
        try c.encode(toAgentId, forKey: .toAgentId)
        try c.encode(fromName, forKey: .fromName)
        try c.encode(toName, forKey: .toName)
        try c.encode(state, forKey: .state)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(ringUntil, forKey: .ringUntil)
        try c.encode(acceptedAt, forKey: .acceptedAt)
        try c.encode(endedAt, forKey: .endedAt)
        try c.encode(detail, forKey: .detail)
    }
}

// MARK: - Call

/// The server's whole view of one call (`callSchema`), as `call:changed` and `call:sync` carry it.
public struct Call: Codable, Equatable, Sendable, Identifiable {
    public var id: CallID
    public var direction: CallDirection
    public var agentId: String?
    public var staffId: String
    public var devices: [Leg]
    public var handle: String
    public var callerName: String
    public var video: Bool
    public var state: CallState
    public var endReason: EndReason?
    public var createdAt: Int64
    public var ringUntil: Int64
    public var answeredAt: Int64?
    public var endedAt: Int64?
    public var answeredByDeviceId: String?
    public var held: Bool
    public var muted: Bool
    public var timeline: [TimelineEntry]
    public var pushes: [PushRecord]
    /// Every hand-over to another agent, the live one last; absent on calls from before transfers.
    public var transfers: [Transfer]?

    public var isLive: Bool { state != .ended }

    /// This device's leg, if it was rung for (or placed) the call.
    public func leg(for deviceId: String) -> Leg? {
        devices.first { $0.deviceId == deviceId }
    }

    private enum CodingKeys: String, CodingKey {
        case id, direction, agentId, staffId, devices, handle, callerName, video, state, endReason
        case createdAt, ringUntil, answeredAt, endedAt, answeredByDeviceId, held, muted, timeline, pushes, transfers
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(CallID.self, forKey: .id)
        direction = try c.decode(CallDirection.self, forKey: .direction)
        agentId = try c.decodeNullableEntityID(.agentId)
        staffId = try c.decodeEntityID(.staffId)
        devices = try c.decode([Leg].self, forKey: .devices)
        handle = try c.decodeString(.handle, max: 64)
        callerName = try c.decodeString(.callerName, max: 120)
        video = try c.decode(Bool.self, forKey: .video)
        state = try c.decode(CallState.self, forKey: .state)
        endReason = try c.decodeNullable(EndReason.self, forKey: .endReason)
        createdAt = try c.decodeEpochMs(.createdAt)
        ringUntil = try c.decodeEpochMs(.ringUntil)
        answeredAt = try c.decodeNullableEpochMs(.answeredAt)
        endedAt = try c.decodeNullableEpochMs(.endedAt)
        answeredByDeviceId = try c.decodeNullableEntityID(.answeredByDeviceId)
        held = try c.decode(Bool.self, forKey: .held)
        muted = try c.decode(Bool.self, forKey: .muted)
        timeline = try c.decode([TimelineEntry].self, forKey: .timeline)
        pushes = try c.decode([PushRecord].self, forKey: .pushes)
        transfers = try c.decodeOptional([Transfer].self, forKey: .transfers)
        if let transfers, transfers.count > WireProtocol.maxTransfers {
            throw c.fail(.transfers, "at most \(WireProtocol.maxTransfers) transfers")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(direction, forKey: .direction)
        try c.encode(agentId, forKey: .agentId)
        try c.encode(staffId, forKey: .staffId)
        try c.encode(devices, forKey: .devices)
        try c.encode(handle, forKey: .handle)
        try c.encode(callerName, forKey: .callerName)
        try c.encode(video, forKey: .video)
        try c.encode(state, forKey: .state)
        try c.encode(endReason, forKey: .endReason)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(ringUntil, forKey: .ringUntil)
        try c.encode(answeredAt, forKey: .answeredAt)
        try c.encode(endedAt, forKey: .endedAt)
        try c.encode(answeredByDeviceId, forKey: .answeredByDeviceId)
        try c.encode(held, forKey: .held)
        try c.encode(muted, forKey: .muted)
        try c.encode(timeline, forKey: .timeline)
        try c.encode(pushes, forKey: .pushes)
        try c.encodeIfPresent(transfers, forKey: .transfers)
    }
}
