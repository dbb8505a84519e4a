import CompanionCore
import Foundation
import Security
@preconcurrency import Starscream

/// The TLS half of pinning (issue 20 item 1): hands the server's certificate chain to
/// `ServerTrust.decide` (CompanionCore, tested) and does what it says, for the socket (Starscream's
/// `CertificatePinning`, here) and for HTTP (`URLSessionDelegate`, in App/Support). A refusal's
/// words go to `refused`, which the Status screen shows.
final class PinnedTrust: NSObject, CertificatePinning, Sendable {
    let pin: ServerPin?
    /// Called on whatever thread the evaluation ran on; the receiver hops to its own.
    let refused: @Sendable (String) -> Void

    init(pin: ServerPin?, refused: @escaping @Sendable (String) -> Void) {
        self.pin = pin
        self.refused = refused
    }

    /// `SecTrustCopyCertificateChain` (iOS 15+), leaf first.
    /// https://developer.apple.com/documentation/security/sectrustcopycertificatechain(_:)
    func decide(_ trust: SecTrust) -> TrustDecision {
        let chain = (SecTrustCopyCertificateChain(trust) as? [SecCertificate]) ?? []
        return ServerTrust.decide(pin: pin, certificateChain: chain.map { SecCertificateCopyData($0) as Data })
    }

    // MARK: - Starscream (the Socket.IO connection)

    func evaluateTrust(trust: SecTrust, domain: String?, completion: (PinningState) -> Void) {
        switch decide(trust) {
        case .accept:
            completion(.success)
        case .systemTrust:
            SecTrustSetPolicies(trust, SecPolicyCreateSSL(true, domain as CFString?))
            var error: CFError?
            completion(SecTrustEvaluateWithError(trust, &error) ? .success : .failed(error))
        case let .refuse(message):
            refused(message)
            completion(.failed(nil))
        }
    }
}
