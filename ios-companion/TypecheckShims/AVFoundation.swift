// AVFoundation (with the CoreMedia it re-exports), as far as LiveCamera uses it: the camera
// devices, their formats and the camera permission.
@_exported import AVFAudio
import Foundation

/// https://developer.apple.com/documentation/avfoundation/avmediatype
public struct AVMediaType: RawRepresentable, Hashable, Sendable {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let video = AVMediaType(rawValue: "vide")
}

/// https://developer.apple.com/documentation/avfoundation/avauthorizationstatus
public enum AVAuthorizationStatus: Int, Sendable {
    case notDetermined, restricted, denied, authorized
}

/// https://developer.apple.com/documentation/coremedia/cmvideodimensions
public struct CMVideoDimensions: Sendable {
    public var width: Int32
    public var height: Int32
}

/// https://developer.apple.com/documentation/coremedia/cmformatdescription (a CF type)
open class CMFormatDescription: NSObject {}

/// https://developer.apple.com/documentation/coremedia/cmvideoformatdescriptiongetdimensions(_:)
public func CMVideoFormatDescriptionGetDimensions(_ videoDesc: CMFormatDescription) -> CMVideoDimensions {
    CMVideoDimensions(width: 0, height: 0)
}

/// https://developer.apple.com/documentation/avfoundation/avframeraterange
open class AVFrameRateRange: NSObject {
    open var maxFrameRate: Float64 { 0 }
}

/// https://developer.apple.com/documentation/avfoundation/avcapturedevice (not Sendable)
open class AVCaptureDevice: NSObject {
    /// https://developer.apple.com/documentation/avfoundation/avcapturedevice/position-swift.enum
    public enum Position: Int, Sendable { case unspecified, back, front }

    /// https://developer.apple.com/documentation/avfoundation/avcapturedevice/format
    open class Format: NSObject {
        open var formatDescription: CMFormatDescription { CMFormatDescription() }
        open var videoSupportedFrameRateRanges: [AVFrameRateRange] { [] }
    }

    open var position: AVCaptureDevice.Position { .unspecified }
    open var formats: [AVCaptureDevice.Format] { [] }

    /// https://developer.apple.com/documentation/avfoundation/avcapturedevice/authorizationstatus(for:)
    open class func authorizationStatus(for mediaType: AVMediaType) -> AVAuthorizationStatus { .notDetermined }

    /// https://developer.apple.com/documentation/avfoundation/avcapturedevice/requestaccess(for:completionhandler:)
    /// `class func requestAccess(for mediaType: AVMediaType, completionHandler handler: @escaping @Sendable (Bool) -> Void)`,
    /// imported as async too.
    open class func requestAccess(for mediaType: AVMediaType, completionHandler handler: @escaping @Sendable (Bool) -> Void) {}
    open class func requestAccess(for mediaType: AVMediaType) async -> Bool { false }
}
