import Foundation

/// `CXProviderConfiguration`, as values the app maps one to one: decided (and tested) here.
public struct CallKitConfiguration: Equatable, Sendable {
    /// Off until video is a feature (issue 21 item 10): the call screen would offer a camera
    /// that sends nothing.
    public var supportsVideo: Bool
    public var includesCallsInRecents: Bool
    /// One call at a time, with the console: no grouping, no call waiting.
    public var maximumCallGroups: Int
    public var maximumCallsPerCallGroup: Int
    public var supportsPhoneNumberHandles: Bool
    public var supportsGenericHandles: Bool

    public static let app = CallKitConfiguration(
        supportsVideo: false,
        includesCallsInRecents: true,
        maximumCallGroups: 1,
        maximumCallsPerCallGroup: 1,
        supportsPhoneNumberHandles: true,
        supportsGenericHandles: true
    )
}
