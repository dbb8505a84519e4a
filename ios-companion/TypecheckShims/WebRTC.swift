// WebRTC's Objective-C SDK (stasel/WebRTC, built from webrtc-sdk/webrtc sdk/objc), as far as
// WebRTCMediaEngine and CallAudioSession use it. The headers carry no Sendable or actor
// annotations: classes are not Sendable, the delegate protocol is not isolated, completion blocks
// are plain (non-Sendable) blocks, exactly as Swift imports them. What the headers say in words:
// sdk/objc/api/peerconnection/RTCPeerConnection.h and api/peer_connection_interface.h ("the
// observer callbacks are invoked on the signaling thread"), so delegate methods and completion
// blocks run on WebRTC's signalling thread, never the main one.
import AVFAudio
import Foundation

// MARK: - Constants (RTCMediaConstraints.h)

public let kRTCMediaConstraintsValueTrue = "true"
public let kRTCMediaConstraintsValueFalse = "false"
public let kRTCMediaConstraintsOfferToReceiveAudio = "OfferToReceiveAudio"
public let kRTCMediaConstraintsOfferToReceiveVideo = "OfferToReceiveVideo"

/// RTCSSLAdapter.h
@discardableResult
public func RTCInitializeSSL() -> Bool { true }

// MARK: - Enums (RTCPeerConnection.h, RTCConfiguration.h, RTCSessionDescription.h)

public enum RTCSignalingState: Int { case stable, haveLocalOffer, haveLocalPrAnswer, haveRemoteOffer, haveRemotePrAnswer, closed }
public enum RTCIceConnectionState: Int { case new, checking, connected, completed, failed, disconnected, closed, count }
public enum RTCIceGatheringState: Int { case new, gathering, complete }
public enum RTCIceTransportPolicy: Int { case none, relay, noHost, all }
public enum RTCSdpSemantics: Int { case planB, unifiedPlan }
public enum RTCContinualGatheringPolicy: Int { case gatherOnce, gatherContinually }
public enum RTCSdpType: Int { case offer, prAnswer, answer, rollback }

// MARK: - Values

/// RTCIceServer.h
open class RTCIceServer: NSObject {
    public init(urlStrings: [String], username: String?, credential: String?) {}
}

/// RTCConfiguration.h
open class RTCConfiguration: NSObject {
    override public init() {}
    open var iceServers: [RTCIceServer] = []
    open var iceTransportPolicy: RTCIceTransportPolicy = .all
    open var sdpSemantics: RTCSdpSemantics = .unifiedPlan
    open var continualGatheringPolicy: RTCContinualGatheringPolicy = .gatherOnce
}

/// RTCMediaConstraints.h
open class RTCMediaConstraints: NSObject {
    public init(mandatoryConstraints: [String: String]?, optionalConstraints: [String: String]?) {}
}

/// RTCSessionDescription.h
open class RTCSessionDescription: NSObject {
    public init(type: RTCSdpType, sdp: String) {}
    open var type: RTCSdpType { .offer }
    open var sdp: String { "" }
}

/// RTCIceCandidate.h
open class RTCIceCandidate: NSObject {
    public init(sdp: String, sdpMLineIndex: Int32, sdpMid: String?) {}
    open var sdp: String { "" }
    open var sdpMLineIndex: Int32 { 0 }
    open var sdpMid: String? { nil }
}

// MARK: - Media

/// RTCMediaStreamTrack.h
open class RTCMediaStreamTrack: NSObject {
    open var isEnabled = true
}

/// RTCAudioTrack.h
open class RTCAudioTrack: RTCMediaStreamTrack {}
/// RTCAudioSource.h
open class RTCAudioSource: NSObject {}
/// RTCMediaStream.h
open class RTCMediaStream: NSObject {}
/// RTCDataChannel.h
open class RTCDataChannel: NSObject {}
/// RTCRtpSender.h
open class RTCRtpSender: NSObject {}

/// RTCRtpReceiver.h
open class RTCRtpReceiver: NSObject {
    open var track: RTCMediaStreamTrack? { nil }
}

/// RTCVideoEncoderFactory.h, RTCVideoDecoderFactory.h, RTCDefaultVideo{En,De}coderFactory.h
public protocol RTCVideoEncoderFactory: NSObjectProtocol {}
public protocol RTCVideoDecoderFactory: NSObjectProtocol {}
open class RTCDefaultVideoEncoderFactory: NSObject, RTCVideoEncoderFactory { override public init() {} }
open class RTCDefaultVideoDecoderFactory: NSObject, RTCVideoDecoderFactory { override public init() {} }

// MARK: - Peer connection (RTCPeerConnection.h)

/// `typedef void (^RTCCreateSessionDescriptionCompletionHandler)(RTCSessionDescription *, NSError *)`
public typealias RTCCreateSessionDescriptionCompletionHandler = (RTCSessionDescription?, (any Error)?) -> Void
/// `typedef void (^RTCSetSessionDescriptionCompletionHandler)(NSError *)`
public typealias RTCSetSessionDescriptionCompletionHandler = ((any Error)?) -> Void

/// `@protocol RTCPeerConnectionDelegate <NSObject>`: required methods, as Swift names them.
public protocol RTCPeerConnectionDelegate: NSObjectProtocol {
    func peerConnection(_ peerConnection: RTCPeerConnection, didChange stateChanged: RTCSignalingState)
    func peerConnection(_ peerConnection: RTCPeerConnection, didAdd stream: RTCMediaStream)
    func peerConnection(_ peerConnection: RTCPeerConnection, didRemove stream: RTCMediaStream)
    func peerConnectionShouldNegotiate(_ peerConnection: RTCPeerConnection)
    func peerConnection(_ peerConnection: RTCPeerConnection, didChange newState: RTCIceConnectionState)
    func peerConnection(_ peerConnection: RTCPeerConnection, didChange newState: RTCIceGatheringState)
    func peerConnection(_ peerConnection: RTCPeerConnection, didGenerate candidate: RTCIceCandidate)
    func peerConnection(_ peerConnection: RTCPeerConnection, didRemove candidates: [RTCIceCandidate])
    func peerConnection(_ peerConnection: RTCPeerConnection, didOpen dataChannel: RTCDataChannel)
}

open class RTCPeerConnection: NSObject {
    /// `@property(nonatomic, weak, nullable) id<RTCPeerConnectionDelegate> delegate`
    open weak var delegate: (any RTCPeerConnectionDelegate)?
    open var receivers: [RTCRtpReceiver] { [] }
    @discardableResult
    open func setConfiguration(_ configuration: RTCConfiguration) -> Bool { true }
    open func close() {}
    /// `- addIceCandidate:completionHandler:(void (^)(NSError *))`
    open func add(_ candidate: RTCIceCandidate, completionHandler: @escaping ((any Error)?) -> Void) {}
    /// `- addTrack:streamIds:`
    open func add(_ track: RTCMediaStreamTrack, streamIds: [String]) -> RTCRtpSender? { nil }
    open func answer(for constraints: RTCMediaConstraints, completionHandler: @escaping RTCCreateSessionDescriptionCompletionHandler) {}
    open func setLocalDescription(_ sdp: RTCSessionDescription, completionHandler: @escaping RTCSetSessionDescriptionCompletionHandler) {}
    open func setRemoteDescription(_ sdp: RTCSessionDescription, completionHandler: @escaping RTCSetSessionDescriptionCompletionHandler) {}
    /// RTCPeerConnection+Stats.h: `- statisticsWithCompletionHandler:(RTCStatisticsCompletionHandler)`
    open func statistics(completionHandler: @escaping (RTCStatisticsReport) -> Void) {}
}

/// RTCStatisticsReport.h
open class RTCStatistics: NSObject {
    open var id: String { "" }
    open var type: String { "" }
    /// `NSDictionary<NSString *, NSObject *> *values`: NSNumber, NSString or arrays of them.
    open var values: [String: NSObject] { [:] }
}

open class RTCStatisticsReport: NSObject {
    open var statistics: [String: RTCStatistics] { [:] }
}

/// RTCPeerConnectionFactory.h
open class RTCPeerConnectionFactory: NSObject {
    public init(encoderFactory: (any RTCVideoEncoderFactory)?, decoderFactory: (any RTCVideoDecoderFactory)?) {}
    open func peerConnection(
        with configuration: RTCConfiguration,
        constraints: RTCMediaConstraints,
        delegate: (any RTCPeerConnectionDelegate)?
    ) -> RTCPeerConnection? { nil }
    open func audioSource(with constraints: RTCMediaConstraints?) -> RTCAudioSource { RTCAudioSource() }
    open func audioTrack(with source: RTCAudioSource, trackId: String) -> RTCAudioTrack { RTCAudioTrack() }
}

// MARK: - Audio session (RTCAudioSession.h, RTCAudioSessionConfiguration.h)

open class RTCAudioSessionConfiguration: NSObject {
    open var category = ""
    open var mode = ""
    open var categoryOptions: AVAudioSession.CategoryOptions = []
    /// `+ (instancetype)webRTCConfiguration`
    open class func webRTC() -> RTCAudioSessionConfiguration { RTCAudioSessionConfiguration() }
    /// `+ (void)setWebRTCConfiguration:`
    open class func setWebRTC(_ configuration: RTCAudioSessionConfiguration) {}
}

open class RTCAudioSession: NSObject {
    open class func sharedInstance() -> RTCAudioSession { RTCAudioSession() }
    open var useManualAudio = false
    open var isAudioEnabled = false
    open func lockForConfiguration() {}
    open func unlockForConfiguration() {}
    /// `- (BOOL)setConfiguration:error:`
    open func setConfiguration(_ configuration: RTCAudioSessionConfiguration) throws {}
    open func audioSessionDidActivate(_ session: AVAudioSession) {}
    open func audioSessionDidDeactivate(_ session: AVAudioSession) {}
}
