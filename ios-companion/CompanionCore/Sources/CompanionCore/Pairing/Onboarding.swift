import Foundation

/// What the app shows first. The microphone is asked for right after pairing, with a screen that
/// says why: asked in the middle of the first answered call (or never), the call is silent.
public enum OnboardingStep: Equatable, Sendable {
    case pair
    case microphone
    case ready
}

public enum Onboarding {
    /// `microphoneDeferred`: the person chose "Not now"; the Status screen keeps warning.
    public static func step(isPaired: Bool, microphone: MicrophonePermission, microphoneDeferred: Bool) -> OnboardingStep {
        guard isPaired else { return .pair }
        return microphone == .undetermined && !microphoneDeferred ? .microphone : .ready
    }

    public static let microphoneExplanation =
        "Switchboard sends your voice to the support agent when you answer. Without the microphone, "
        + "calls ring and connect but stay silent. iOS asks once; you can change it later in Settings."
}

/// Decides whether a code the camera reads starts a pairing. The camera reads the same code many
/// times a second: while a pairing runs, and after one succeeded, it is ignored. After a failure
/// the same code is ignored until the person asks to try again (`retry`), so a wrong code is not
/// sent in a loop; a different code is tried at once.
public struct PairingScanGate: Equatable, Sendable {
    public private(set) var busy = false
    private var settled: String?

    public init() {}

    public mutating func shouldPair(_ scanned: String) -> Bool {
        guard !busy, scanned != settled else { return false }
        busy = true
        settled = scanned
        return true
    }

    /// The pairing the last accepted code started is over.
    public mutating func finished() {
        busy = false
    }

    /// "Scan again": the code that failed may be read again.
    public mutating func retry() {
        busy = false
        settled = nil
    }
}

/// The name the pairing form suggests. Since iOS 16 `UIDevice.name` is just "iPhone" without a
/// special entitlement, so the person names the phone, starting from its model's name.
public enum DeviceModelName {
    public static func name(for identifier: String) -> String {
        if let known = names[identifier] { return known }
        if identifier.hasPrefix("iPad") { return "iPad" }
        return "iPhone"
    }

    private static let names: [String: String] = [
        "iPhone13,1": "iPhone 12 mini", "iPhone13,2": "iPhone 12", "iPhone13,3": "iPhone 12 Pro",
        "iPhone13,4": "iPhone 12 Pro Max", "iPhone14,4": "iPhone 13 mini", "iPhone14,5": "iPhone 13",
        "iPhone14,2": "iPhone 13 Pro", "iPhone14,3": "iPhone 13 Pro Max", "iPhone14,6": "iPhone SE",
        "iPhone14,7": "iPhone 14", "iPhone14,8": "iPhone 14 Plus", "iPhone15,2": "iPhone 14 Pro",
        "iPhone15,3": "iPhone 14 Pro Max", "iPhone15,4": "iPhone 15", "iPhone15,5": "iPhone 15 Plus",
        "iPhone16,1": "iPhone 15 Pro", "iPhone16,2": "iPhone 15 Pro Max", "iPhone17,3": "iPhone 16",
        "iPhone17,4": "iPhone 16 Plus", "iPhone17,1": "iPhone 16 Pro", "iPhone17,2": "iPhone 16 Pro Max",
        "iPhone17,5": "iPhone 16e",
    ]
}
