import Foundation

/// The phone's record of one call it shows in CallKit. A class so that the coordinator's
/// handlers, all on the main actor, change the one record in place.
@MainActor
final class CompanionCall {
    enum Phase: Equatable {
        /// Handed to `reportNewIncomingCall`; CallKit has not answered yet.
        case reporting
        /// On the system call screen, not answered.
        case ringing
        /// Outgoing: `call:start` sent, the server has not given the call an id yet.
        case starting
        /// Outgoing: the server took the call; no agent has accepted it yet.
        case dialing
        /// Answered (incoming) or accepted by an agent (outgoing); media negotiating.
        case answered
        /// Media flowing.
        case connected
    }

    /// The CallKit UUID. For calls the console places it is the server's call id.
    let uuid: UUID
    /// The server's id: the UUID for incoming calls, the `call:start` ack's id for outgoing ones.
    var serverId: CallID?
    /// In the server's terms: `.outbound` rings this phone, `.inbound` is this phone calling.
    let direction: CallDirection
    var handle: CallHandle
    var callerName: String
    var video: Bool
    var phase: Phase
    let startedAt: Date
    var answeredAt: Date?
    var held = false
    var muted = false
    /// `call:report.seq`: counts from 1 per call.
    var nextSeq = 1
    /// The server ended the call while CallKit was still registering it (`.reporting`).
    var pendingServerEnd: EndReason??
    /// Outgoing: the user hung up before the server named the call.
    var endRequestedBeforeStart = false
    /// Outgoing: the `CXStartCallAction`, fulfilled once the server took the call.
    var startAction: (any CallActionProtocol)?
    /// Ends a ringing call at its deadline if no cancel ever arrives.
    var ringTimer: (any ScheduledWork)?
    var reportedOutgoingConnected = false

    init(
        uuid: UUID,
        serverId: CallID?,
        direction: CallDirection,
        handle: CallHandle,
        callerName: String,
        video: Bool,
        phase: Phase,
        startedAt: Date
    ) {
        self.uuid = uuid
        self.serverId = serverId
        self.direction = direction
        self.handle = handle
        self.callerName = callerName
        self.video = video
        self.phase = phase
        self.startedAt = startedAt
    }

    var isAnswered: Bool { phase == .answered || phase == .connected }

    /// The phone is being rung and has not answered.
    var isRingingIncoming: Bool { direction == .outbound && (phase == .reporting || phase == .ringing) }

    func takeSeq() -> Int {
        defer { nextSeq += 1 }
        return nextSeq
    }
}

// MARK: - Memory of ended calls

/// Calls that are over, with how they ended, so that a late or duplicate push for one of them
/// — or a call push that arrives after its cancel — is reported and ended at once.
struct EndedCallMemory {
    private var order: [CallID] = []
    private var reasons: [CallID: EndReason?] = [:]
    let capacity: Int

    init(capacity: Int = 200) {
        self.capacity = capacity
    }

    mutating func remember(_ id: CallID, reason: EndReason?) {
        if reasons[id] == nil { order.append(id) }
        // Keep the first reason known: a later, vaguer one (nil) must not erase it.
        if let known = reasons[id], known != nil { return }
        reasons[id] = .some(reason)
        if order.count > capacity {
            let dropped = order.removeFirst()
            reasons[dropped] = nil
        }
    }

    func contains(_ id: CallID) -> Bool { reasons[id] != nil }

    /// `nil` when the call is not remembered; `.some(nil)` when it ended for an unknown reason.
    func reason(for id: CallID) -> EndReason?? { reasons[id] }
}
