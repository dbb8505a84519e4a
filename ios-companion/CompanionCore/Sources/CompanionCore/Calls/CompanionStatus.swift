import Foundation

/// A call as the Recents screen shows it.
public struct RecentCall: Codable, Equatable, Sendable, Identifiable {
    /// The CallKit UUID, which is also the call's id on the server.
    public var id: UUID
    /// In the server's terms: `.outbound` is the console calling this phone.
    public var direction: CallDirection
    public var handle: String
    public var callerName: String
    public var video: Bool
    public var startedAt: Date
    public var answeredAt: Date?
    public var endedAt: Date
    public var endReason: EndReason?
}

extension RecentCall {
    /// The console called this phone (`.outbound` in the server's terms).
    public var isIncoming: Bool { direction == .outbound }

    /// Rang here and nobody answered or declined it: shown in red.
    public var isMissed: Bool { isIncoming && answeredAt == nil && endReason != .declined }

    /// The Recents screen's second line: how long it lasted, or how it ended.
    public var outcome: String {
        if let answeredAt {
            let seconds = Int(endedAt.timeIntervalSince(answeredAt))
            return "\(seconds / 60) min \(seconds % 60) s"
        }
        switch endReason {
        case .declined?: return "Declined"
        case .answeredElsewhere?: return "Answered on another device"
        case .unreachable?: return "No agent online"
        case .noAgentAvailable?: return "No agent available"
        case .failed?: return "Failed"
        default: return isIncoming ? "Missed" : "Not answered"
        }
    }
}

/// The last VoIP push, for the Status screen.
public struct PushSummary: Equatable, Sendable {
    public var receivedAt: Date
    public var description: String
}

/// Everything the Status screen shows.
public struct CompanionStatus: Equatable, Sendable {
    public var serverConnected = false
    public var voipToken: String?
    public var tokenUpdatedAt: Date?
    /// The server acknowledged the current token (`device:update` ack).
    public var tokenAcknowledged = false
    public var apnsEnvironment: ApnsEnvironment
    public var lastPush: PushSummary?
    public var audioActive = false
    public var activeCallCount = 0
    public var recents: [RecentCall] = []
    /// As iOS says now (read at launch, on every return to the foreground, after asking).
    public var microphone: MicrophonePermission = .undetermined
    /// The server acknowledged the current permission (`permissions:report` ack).
    public var microphoneReported = false
    /// As iOS says now: asked the first time the person shares the camera.
    public var camera: CameraPermission = .undetermined
    /// Why the server cannot be reached in a way waiting will not fix (a certificate that is not
    /// the paired one), in words for the Status screen; nil when there is none.
    public var connectionProblem: String?

    public init(apnsEnvironment: ApnsEnvironment) {
        self.apnsEnvironment = apnsEnvironment
    }

    /// The Status screen's warning while calls cannot carry this phone's voice: the person would
    /// answer into silence. Nil while the microphone is allowed.
    public var microphoneNotice: String? {
        switch microphone {
        case .granted: nil
        case .denied: "Microphone off: calls will be silent"
        case .undetermined: "Microphone not allowed yet: calls will be silent until you allow it"
        }
    }

    /// The token's first 8 and last 4 digits, enough to compare with the console's.
    public var tokenSummary: String {
        guard let token = voipToken else { return "none" }
        return "\(token.prefix(8))…\(token.suffix(4))"
    }
}

/// What the coordinator needs to know about this phone.
public struct CompanionConfiguration: Sendable {
    /// From pairing; `nil` until the phone is paired.
    public var deviceId: String?
    /// `sandbox` for debug builds, `production` for TestFlight/App Store ones (DESIGN lesson 5).
    public var apnsEnvironment: ApnsEnvironment
    public var appVersion: String
    public var osVersion: String
    /// What the call screen shows for calls to the console.
    public var consoleHandle: String
    /// How long each request waits for its ack.
    public var requestTimeout: Duration
    /// How long a call to the console may wait for the server to take it (connecting included,
    /// `call:start` retried meanwhile) before it fails.
    public var startTimeout: Duration
    /// How long the first send of an answer or a start waits for its ack before the socket is
    /// taken for half-dead and replaced (issue 21 item 7: the answer must reach the server within
    /// two seconds of the tap).
    public var urgentTimeout: Duration
    /// How long an answered call waits for the server's ICE servers (its socket may still be
    /// connecting) before it goes on with the configured ones.
    public var iceWait: Duration
    public var recentsLimit: Int

    public init(
        deviceId: String?,
        apnsEnvironment: ApnsEnvironment,
        appVersion: String,
        osVersion: String,
        consoleHandle: String = "Switchboard",
        requestTimeout: Duration = .seconds(8),
        startTimeout: Duration = .seconds(20),
        urgentTimeout: Duration = .seconds(1),
        iceWait: Duration = .seconds(10),
        recentsLimit: Int = 50
    ) {
        self.deviceId = deviceId
        self.apnsEnvironment = apnsEnvironment
        self.appVersion = appVersion
        self.osVersion = osVersion
        self.consoleHandle = consoleHandle
        self.requestTimeout = requestTimeout
        self.startTimeout = startTimeout
        self.urgentTimeout = urgentTimeout
        self.iceWait = iceWait
        self.recentsLimit = recentsLimit
    }
}
