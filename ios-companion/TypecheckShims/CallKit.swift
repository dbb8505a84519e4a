// CallKit, as far as CallKitProvider and CallKitController use it. Classes are neither Sendable nor
// actor-isolated; completion blocks are `@Sendable`, as the SDK declares them.
import AVFAudio
import Foundation

/// https://developer.apple.com/documentation/callkit/cxhandle
open class CXHandle: NSObject {
    public enum HandleType: Int, Sendable { case generic = 1, phoneNumber, emailAddress }
    public init(type: CXHandle.HandleType, value: String) {}
    open var type: CXHandle.HandleType { .generic }
    open var value: String { "" }
}

/// https://developer.apple.com/documentation/callkit/cxcallupdate
open class CXCallUpdate: NSObject {
    override public init() {}
    open var remoteHandle: CXHandle?
    open var localizedCallerName: String?
    open var supportsHolding = false
    open var supportsGrouping = false
    open var supportsUngrouping = false
    open var supportsDTMF = false
    open var hasVideo = false
}

/// https://developer.apple.com/documentation/callkit/cxcallendedreason
public enum CXCallEndedReason: Int, Sendable {
    case failed = 1, remoteEnded, unanswered, answeredElsewhere, declinedElsewhere
}

/// https://developer.apple.com/documentation/callkit/cxaction
open class CXAction: NSObject {
    /// https://developer.apple.com/documentation/callkit/cxaction/fulfill()
    open func fulfill() {}
    /// https://developer.apple.com/documentation/callkit/cxaction/fail()
    open func fail() {}
}

/// https://developer.apple.com/documentation/callkit/cxcallaction
open class CXCallAction: CXAction {
    public init(call callUUID: UUID) {}
    open var callUUID: UUID { UUID() }
}

/// https://developer.apple.com/documentation/callkit/cxanswercallaction
open class CXAnswerCallAction: CXCallAction {}
/// https://developer.apple.com/documentation/callkit/cxendcallaction
open class CXEndCallAction: CXCallAction {}
/// https://developer.apple.com/documentation/callkit/cxplaydtmfcallaction
open class CXPlayDTMFCallAction: CXCallAction {}
/// https://developer.apple.com/documentation/callkit/cxsetgroupcallaction
open class CXSetGroupCallAction: CXCallAction {}

/// https://developer.apple.com/documentation/callkit/cxstartcallaction
open class CXStartCallAction: CXCallAction {
    public init(call callUUID: UUID, handle: CXHandle) { super.init(call: callUUID) }
    open var handle: CXHandle { CXHandle(type: .generic, value: "") }
    open var isVideo = false
}

/// https://developer.apple.com/documentation/callkit/cxsetheldcallaction
open class CXSetHeldCallAction: CXCallAction {
    public init(call callUUID: UUID, onHold: Bool) { super.init(call: callUUID) }
    open var isOnHold: Bool { false }
}

/// https://developer.apple.com/documentation/callkit/cxsetmutedcallaction
open class CXSetMutedCallAction: CXCallAction {
    public init(call callUUID: UUID, muted: Bool) { super.init(call: callUUID) }
    open var isMuted: Bool { false }
}

/// https://developer.apple.com/documentation/callkit/cxtransaction
open class CXTransaction: NSObject {
    public init(action: CXAction) {}
}

/// https://developer.apple.com/documentation/callkit/cxcallcontroller
open class CXCallController: NSObject {
    override public init() {}
    /// https://developer.apple.com/documentation/callkit/cxcallcontroller/request(_:completion:)
    open func request(_ transaction: CXTransaction, completion: @escaping @Sendable ((any Error)?) -> Void) {}
}

/// https://developer.apple.com/documentation/callkit/cxproviderconfiguration
open class CXProviderConfiguration: NSObject {
    override public init() {}
    open var supportsVideo = false
    open var includesCallsInRecents = true
    open var supportedHandleTypes: Set<CXHandle.HandleType> = []
    open var maximumCallGroups = 2
    open var maximumCallsPerCallGroup = 5
    open var iconTemplateImageData: Data?
}

/// https://developer.apple.com/documentation/callkit/cxprovider
open class CXProvider: NSObject {
    public init(configuration: CXProviderConfiguration) {}
    /// https://developer.apple.com/documentation/callkit/cxprovider/setdelegate(_:queue:)
    /// "A nil queue implies that delegate callbacks should happen on the main queue."
    open func setDelegate(_ delegate: (any CXProviderDelegate)?, queue: DispatchQueue?) {}
    /// https://developer.apple.com/documentation/callkit/cxprovider/reportnewincomingcall(with:update:completion:)
    open func reportNewIncomingCall(with UUID: UUID, update: CXCallUpdate, completion: @escaping @Sendable ((any Error)?) -> Void) {}
    /// https://developer.apple.com/documentation/callkit/cxprovider/reportcall(with:updated:)
    open func reportCall(with UUID: UUID, updated update: CXCallUpdate) {}
    /// https://developer.apple.com/documentation/callkit/cxprovider/reportcall(with:endedat:reason:)
    open func reportCall(with UUID: UUID, endedAt dateEnded: Date?, reason endedReason: CXCallEndedReason) {}
    /// https://developer.apple.com/documentation/callkit/cxprovider/reportoutgoingcall(with:startedconnectingat:)
    open func reportOutgoingCall(with UUID: UUID, startedConnectingAt dateStartedConnecting: Date?) {}
    /// https://developer.apple.com/documentation/callkit/cxprovider/reportoutgoingcall(with:connectedat:)
    open func reportOutgoingCall(with UUID: UUID, connectedAt dateConnected: Date?) {}
}

/// https://developer.apple.com/documentation/callkit/cxproviderdelegate
/// (`protocol CXProviderDelegate : NSObjectProtocol`, not actor-isolated: called on the queue
/// given to `setDelegate(_:queue:)`). All but `providerDidReset(_:)` are optional in CallKit.
public protocol CXProviderDelegate: NSObjectProtocol {
    func providerDidReset(_ provider: CXProvider)
    func provider(_ provider: CXProvider, perform action: CXAnswerCallAction)
    func provider(_ provider: CXProvider, perform action: CXEndCallAction)
    func provider(_ provider: CXProvider, perform action: CXStartCallAction)
    func provider(_ provider: CXProvider, perform action: CXSetHeldCallAction)
    func provider(_ provider: CXProvider, perform action: CXSetMutedCallAction)
    func provider(_ provider: CXProvider, perform action: CXPlayDTMFCallAction)
    func provider(_ provider: CXProvider, perform action: CXSetGroupCallAction)
    func provider(_ provider: CXProvider, timedOutPerforming action: CXAction)
    func provider(_ provider: CXProvider, didActivate audioSession: AVAudioSession)
    func provider(_ provider: CXProvider, didDeactivate audioSession: AVAudioSession)
}

extension CXProviderDelegate {
    public func provider(_ provider: CXProvider, perform action: CXAnswerCallAction) { action.fail() }
    public func provider(_ provider: CXProvider, perform action: CXEndCallAction) { action.fail() }
    public func provider(_ provider: CXProvider, perform action: CXStartCallAction) { action.fail() }
    public func provider(_ provider: CXProvider, perform action: CXSetHeldCallAction) { action.fail() }
    public func provider(_ provider: CXProvider, perform action: CXSetMutedCallAction) { action.fail() }
    public func provider(_ provider: CXProvider, perform action: CXPlayDTMFCallAction) { action.fail() }
    public func provider(_ provider: CXProvider, perform action: CXSetGroupCallAction) { action.fail() }
    public func provider(_ provider: CXProvider, timedOutPerforming action: CXAction) {}
    public func provider(_ provider: CXProvider, didActivate audioSession: AVAudioSession) {}
    public func provider(_ provider: CXProvider, didDeactivate audioSession: AVAudioSession) {}
}
