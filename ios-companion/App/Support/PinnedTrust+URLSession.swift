import CompanionCore
import Foundation

/// Pinning for HTTP (pairing, the directory): the certificate decision is `PinnedTrust.decide`'s.
extension PinnedTrust: URLSessionDelegate {
    func urlSession(
        _ session: URLSession,
        didReceive challenge: URLAuthenticationChallenge
    ) async -> (URLSession.AuthChallengeDisposition, URLCredential?) {
        guard challenge.protectionSpace.authenticationMethod == NSURLAuthenticationMethodServerTrust,
              let trust = challenge.protectionSpace.serverTrust
        else { return (.performDefaultHandling, nil) }
        switch decide(trust) {
        case .systemTrust: return (.performDefaultHandling, nil)
        case .accept: return (.useCredential, URLCredential(trust: trust))
        case let .refuse(message):
            refused(message)
            return (.cancelAuthenticationChallenge, nil)
        }
    }
}
