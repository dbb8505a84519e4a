// WebRTC's Objective-C SDK (stasel/WebRTC, built from webrtc-sdk/webrtc sdk/objc), as far as
// WebRTCMediaEngine and CallAudioSession use it. The headers carry no Sendable or actor
// annotations: classes are not Sendable, the delegate protocol is not isolated, completion blocks
// are plain (non-Sendable) blocks, exactly as Swift imports them. What the headers say in words:
// sdk/objc/api/peerconnection/RTCPeerConnection.h and api/peer_connection_interface.h ("the
// observer callbacks are invoked on the signaling thread"), so delegate methods and completion
// blocks run on WebRTC's signalling thread, never the main one.
import AVFoundation
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
/// RTCRtpParameters.h: `RTCDegradationPreference`
public enum RTCDegradationPreference: Int { case disabled, maintainFramerate, maintainResolution, balanced }

/// RTCRtpEncodingParameters.h
open class RTCRtpEncodingParameters: NSObject {
    /// `@property(nonatomic, copy, nullable) NSNumber *maxBitrateBps`
    open var maxBitrateBps: NSNumber?
    open var maxFramerate: NSNumber?
}

/// RTCRtpParameters.h
open class RTCRtpParameters: NSObject {
    open var encodings: [RTCRtpEncodingParameters] = []
    /// `@property(nonatomic, copy, nullable) NSNumber *degradationPreference` (an RTCDegradationPreference)
    open var degradationPreference: NSNumber?
}

/// RTCRtpSender.h
open class RTCRtpSender: NSObject {
    /// `@property(nonatomic, copy) RTCRtpParameters *parameters`
    open var parameters = RTCRtpParameters()
    /// `@property(nonatomic, copy, nullable) RTCMediaStreamTrack *track`
    open var track: RTCMediaStreamTrack?
}

/// RTCRtpReceiver.h
open class RTCRtpReceiver: NSObject {
    open var track: RTCMediaStreamTrack? { nil }
}

/// RTCRtpReceiver.h: `RTCRtpMediaType`
public enum RTCRtpMediaType: Int { case audio, video, data, unsupported }

/// RTCRtpTransceiver.h: `RTCRtpTransceiverDirection`
public enum RTCRtpTransceiverDirection: Int { case sendRecv, sendOnly, recvOnly, inactive, stopped }

/// Foundation's `NSErrorPointer` is `AutoreleasingUnsafeMutablePointer<NSError?>?`, which exists
/// only with Objective-C interop; `&error` passes to either.
public typealias NSErrorPointer = UnsafeMutablePointer<NSError?>?

/// RTCRtpTransceiver.h
open class RTCRtpTransceiver: NSObject {
    open var mediaType: RTCRtpMediaType { .audio }
    open var sender: RTCRtpSender { RTCRtpSender() }
    open var receiver: RTCRtpReceiver { RTCRtpReceiver() }
    open var direction: RTCRtpTransceiverDirection { .sendRecv }
    /// `- (void)setDirection:(RTCRtpTransceiverDirection)direction error:(NSError **)error`
    open func setDirection(_ direction: RTCRtpTransceiverDirection, error: NSErrorPointer) {}
}

// MARK: - Video (RTCVideoSource.h, RTCVideoTrack.h, RTCVideoRenderer.h, RTCCameraVideoCapturer.h)

/// `@protocol RTCVideoCapturerDelegate <NSObject>`
public protocol RTCVideoCapturerDelegate: NSObjectProtocol {}

/// `@protocol RTCVideoRenderer <NSObject>` (RTCMTLVideoView, a UIView, is one)
public protocol RTCVideoRenderer: NSObjectProtocol {}

/// RTCVideoSource.h
open class RTCVideoSource: NSObject, RTCVideoCapturerDelegate {
    /// `- (void)adaptOutputFormatToWidth:(int)width height:(int)height fps:(int)fps`
    open func adaptOutputFormat(toWidth width: Int32, height: Int32, fps: Int32) {}
}

/// RTCVideoTrack.h
open class RTCVideoTrack: RTCMediaStreamTrack {
    open func add(_ renderer: any RTCVideoRenderer) {}
    open func remove(_ renderer: any RTCVideoRenderer) {}
}

/// RTCVideoCapturer.h
open class RTCVideoCapturer: NSObject {
    public init(delegate: any RTCVideoCapturerDelegate) {}
}

/// RTCCameraVideoCapturer.h. Its completion blocks run on its capture-session queue.
open class RTCCameraVideoCapturer: RTCVideoCapturer {
    /// `+ (NSArray<AVCaptureDevice *> *)captureDevices`
    open class func captureDevices() -> [AVCaptureDevice] { [] }
    /// `+ (NSArray<AVCaptureDeviceFormat *> *)supportedFormatsForDevice:`
    open class func supportedFormats(for device: AVCaptureDevice) -> [AVCaptureDevice.Format] { [] }
    /// `- startCaptureWithDevice:format:fps:completionHandler:(nullable void (^)(NSError *_Nullable))`
    open func startCapture(
        with device: AVCaptureDevice,
        format: AVCaptureDevice.Format,
        fps: Int,
        completionHandler: (((any Error)?) -> Void)? = nil
    ) {}
    /// `- stopCaptureWithCompletionHandler:(nullable void (^)(void))`
    open func stopCapture(completionHandler: (() -> Void)? = nil) {}
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
    open var transceivers: [RTCRtpTransceiver] { [] }
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
    open func videoSource() -> RTCVideoSource { RTCVideoSource() }
    open func videoTrack(with source: RTCVideoSource, trackId: String) -> RTCVideoTrack { RTCVideoTrack() }
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
    /// `- (BOOL)overrideOutputAudioPort:(AVAudioSessionPortOverride)portOverride error:(NSError **)outError`
    open func overrideOutputAudioPort(_ portOverride: AVAudioSession.PortOverride) throws {}
    open func audioSessionDidActivate(_ session: AVAudioSession) {}
    open func audioSessionDidDeactivate(_ session: AVAudioSession) {}
}
