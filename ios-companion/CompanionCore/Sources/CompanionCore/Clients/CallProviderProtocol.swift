import Foundation

// MARK: - Values

/// `CXHandle`: a phone number when the server sent an E.164 handle, otherwise a generic one
/// (the console's handle is a name such as "support").
public struct CallHandle: Equatable, Hashable, Sendable {
    public enum Kind: Equatable, Hashable, Sendable { case phoneNumber, generic }

    public var kind: Kind
    public var value: String

    public init(kind: Kind, value: String) {
        self.kind = kind
        self.value = value
    }

    public init(_ value: String) {
        self.init(kind: WireFormat.isE164(value) ? .phoneNumber : .generic, value: value)
    }
}

/// What a `CXCallUpdate` carries, for a new incoming call or an outgoing one being described.
/// The checklist requires `localizedCallerName` and `remoteHandle` on every update, so neither is
/// optional. The capabilities are the app's: hold, but no DTMF and no grouping (one call at a time,
/// with the console, which has no keypad).
public struct CallUpdate: Equatable, Sendable {
    public var uuid: UUID
    public var handle: CallHandle
    public var callerName: String
    public var hasVideo: Bool
    public var supportsHolding = true
    public var supportsDTMF = false
    public var supportsGrouping = false
    public var supportsUngrouping = false

    public init(uuid: UUID, handle: CallHandle, callerName: String, hasVideo: Bool) {
        self.uuid = uuid
        self.handle = handle
        self.callerName = callerName
        self.hasVideo = hasVideo
    }
}

/// `CXErrorCodeIncomingCallError`.
public enum IncomingCallError: Error, Equatable, Sendable {
    case unknown
    case unentitled
    case callUUIDAlreadyExists
    case filteredByDoNotDisturb
    case filteredByBlockList
}

extension IncomingCallError {
    /// `CXErrorCodeIncomingCallError`'s domain.
    public static let domain = "com.apple.CallKit.error.incomingcall"

    /// From the `NSError` CallKit answers a report with. Codes this app does not know (iOS adds
    /// some: restricted sharing, protected calls) are `.unknown`: a refusal all the same.
    public init(domain: String, code: Int) {
        guard domain == Self.domain else { self = .unknown; return }
        switch code {
        case 1: self = .unentitled
        case 2: self = .callUUIDAlreadyExists
        case 3: self = .filteredByDoNotDisturb
        case 4: self = .filteredByBlockList
        default: self = .unknown
        }
    }
}

/// `CXCallEndedReason`.
public enum CallEndedReason: Equatable, Sendable {
    case failed
    case remoteEnded
    case unanswered
    case answeredElsewhere
    case declinedElsewhere
}

// MARK: - Actions

/// `CXAction`'s two outcomes; the app adds `extension CXAction: CallActionProtocol {}`.
/// CallKit waits for exactly one of them: an action left hanging times out and fails the call.
public protocol CallActionProtocol: AnyObject {
    func fulfill()
    func fail()
}

/// A `CXCallAction` the system asks the app to perform, with the action to fulfil or fail.
public struct ProviderAction {
    public enum Kind: Equatable, Sendable {
        case answer
        case end
        case start(handle: CallHandle, video: Bool)
        case setHeld(Bool)
        case setMuted(Bool)
    }

    public var callUUID: UUID
    public var kind: Kind
    public var action: any CallActionProtocol

    public init(callUUID: UUID, kind: Kind, action: any CallActionProtocol) {
        self.callUUID = callUUID
        self.kind = kind
        self.action = action
    }
}

// MARK: - Interface

/// `CXProvider`. One instance for the app's lifetime, created at launch.
@MainActor
public protocol CallProviderProtocol: AnyObject {
    /// `CXProvider.setDelegate(_:queue:)`: must happen before any report, or CallKit's answers
    /// (answer, end, audio activation) go nowhere.
    func setDelegate(_ delegate: any CallProviderDelegate)

    /// `reportNewIncomingCall(with:update:completion:)`. iOS terminates an app that receives a VoIP
    /// push and does not call this before the push's completion handler runs.
    func reportNewIncomingCall(
        _ update: CallUpdate,
        completion: @escaping @MainActor @Sendable (IncomingCallError?) -> Void
    )

    /// `reportCall(with:updated:)`: what the call screen and Recents show for a call CallKit
    /// already has (a call to the console, which CallKit knows only from its start action).
    func reportCall(updated update: CallUpdate)

    /// `reportCall(with:endedAt:reason:)`: the call ended without a local `CXEndCallAction`.
    func reportCall(_ uuid: UUID, endedAt: Date?, reason: CallEndedReason)

    /// `reportOutgoingCall(with:startedConnectingAt:)`.
    func reportOutgoingCall(_ uuid: UUID, startedConnectingAt: Date?)

    /// `reportOutgoingCall(with:connectedAt:)`: starts the call timer on the system UI.
    func reportOutgoingCall(_ uuid: UUID, connectedAt: Date?)
}

/// `CXProviderDelegate`, reduced to values. The app's adapter forwards to it on the main queue.
@MainActor
public protocol CallProviderDelegate: AnyObject {
    func providerDidReset()
    func provider(perform action: ProviderAction)
    func provider(timedOutPerforming action: ProviderAction)
    /// `provider(_:didActivate:)`: the only moment call audio may start.
    func providerDidActivateAudioSession()
    /// `provider(_:didDeactivate:)`: call audio must stop.
    func providerDidDeactivateAudioSession()
}
