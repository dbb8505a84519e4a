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
        /// Outgoing: `call:start` queued or sent, not yet acknowledged. Until its ack the call is
        /// left to that request: broadcasts and syncs naming it do not touch it.
        case starting
        /// Outgoing: the server took the call; no agent has accepted it yet.
        case dialing
        /// Answered (incoming) or accepted by an agent (outgoing); media negotiating.
        case answered
        /// Media flowing.
        case connected
    }

    /// The call's id on the server, and its CallKit UUID: the push's `callId` for calls the
    /// console places, the `CXStartCallAction`'s UUID (sent as `call:start.callId`) for calls to
    /// the console.
    let id: CallID
    var uuid: UUID { id.uuid }
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
    /// Incoming: ends a ringing call at its ring deadline if no cancel ever arrives.
    /// Outgoing: gives up on a `call:start` the server has not acknowledged in time.
    var deadline: (any ScheduledWork)?
    var reportedOutgoingConnected = false
    /// `reported` has been queued: once, whether CallKit's completion or the answer came first.
    var reportedRinging = false

    // Video (issue 27)
    var videoSession = VideoSession()
    /// The agent's camera reaches the phone.
    var remoteVideo = false
    var marker: VideoMarker?
    var markerHide: (any ScheduledWork)?
    /// Why the video ended, shown until the next video starts or the call ends.
    var videoNotice: String?

    init(
        id: CallID,
        direction: CallDirection,
        handle: CallHandle,
        callerName: String,
        video: Bool,
        phase: Phase,
        startedAt: Date
    ) {
        self.id = id
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
