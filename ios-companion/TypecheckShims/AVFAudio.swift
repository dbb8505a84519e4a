// AVFAudio, as far as CallAudioSession, LiveMicrophone and CallKitProvider use it.
import Foundation

/// https://developer.apple.com/documentation/avfaudio/avaudiosession (not Sendable; `sharedInstance` is a class method)
open class AVAudioSession: NSObject {
    open class func sharedInstance() -> AVAudioSession { AVAudioSession() }

    /// https://developer.apple.com/documentation/avfaudio/avaudiosession/category-swift.struct
    public struct Category: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let playAndRecord = Category(rawValue: "AVAudioSessionCategoryPlayAndRecord")
    }

    /// https://developer.apple.com/documentation/avfaudio/avaudiosession/mode-swift.struct
    public struct Mode: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let voiceChat = Mode(rawValue: "AVAudioSessionModeVoiceChat")
        public static let videoChat = Mode(rawValue: "AVAudioSessionModeVideoChat")
    }

    /// https://developer.apple.com/documentation/avfaudio/avaudiosession/portoverride
    public enum PortOverride: UInt, Sendable {
        case none = 0
        case speaker = 0x7370_6b72
    }

    /// https://developer.apple.com/documentation/avfaudio/avaudiosession/categoryoptions-swift.struct
    public struct CategoryOptions: OptionSet, Sendable {
        public let rawValue: UInt
        public init(rawValue: UInt) { self.rawValue = rawValue }
        public static let allowBluetooth = CategoryOptions(rawValue: 0x4)
        public static let defaultToSpeaker = CategoryOptions(rawValue: 0x8)
        public static let allowBluetoothA2DP = CategoryOptions(rawValue: 0x20)
    }
}

/// https://developer.apple.com/documentation/avfaudio/avaudioapplication (iOS 17)
open class AVAudioApplication: NSObject {
    open class var shared: AVAudioApplication { AVAudioApplication() }

    /// https://developer.apple.com/documentation/avfaudio/avaudioapplication/recordpermission-swift.enum
    public enum recordPermission: Int, Sendable {
        case undetermined, denied, granted
    }

    /// https://developer.apple.com/documentation/avfaudio/avaudioapplication/recordpermission-swift.property
    open var recordPermission: AVAudioApplication.recordPermission { .undetermined }

    /// https://developer.apple.com/documentation/avfaudio/avaudioapplication/requestrecordpermission(completionhandler:)
    /// `class func requestRecordPermission(completionHandler response: @escaping @Sendable (Bool) -> Void)`,
    /// imported as async too.
    open class func requestRecordPermission(completionHandler response: @escaping @Sendable (Bool) -> Void) {}
    open class func requestRecordPermission() async -> Bool { false }
}
