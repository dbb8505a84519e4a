// Starscream (Socket.IO's WebSocket), as far as PinnedTrust uses it: Sources/Security/Security.swift
// of daltoniam/Starscream 4.x. Plain Swift, not Sendable-annotated; the completion is not escaping.
import Foundation
import Security

public enum PinningState {
    case success
    case failed(CFError?)
}

public protocol CertificatePinning: AnyObject {
    func evaluateTrust(trust: SecTrust, domain: String?, completion: ((PinningState) -> ()))
}
