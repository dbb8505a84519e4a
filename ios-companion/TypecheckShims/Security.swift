// Security, as far as App/Live/PinnedTrust.swift uses it (iOS 15+).
@_exported import Foundation

// On Apple platforms these are Core Foundation types, toll-free bridged to the Foundation classes
// the app casts them to; Linux's Foundation has the classes only.
public typealias CFArray = NSArray
public typealias CFData = NSData
public typealias CFString = NSString
public typealias CFError = NSError

/// https://developer.apple.com/documentation/security/sectrust
public final class SecTrust {}
/// https://developer.apple.com/documentation/security/seccertificate
public final class SecCertificate {}
/// https://developer.apple.com/documentation/security/secpolicy
public final class SecPolicy {}

/// https://developer.apple.com/documentation/security/sectrustcopycertificatechain(_:)
public func SecTrustCopyCertificateChain(_ trust: SecTrust) -> CFArray? { nil }
/// https://developer.apple.com/documentation/security/seccertificatecopydata(_:)
public func SecCertificateCopyData(_ certificate: SecCertificate) -> CFData { NSData() }
/// https://developer.apple.com/documentation/security/sectrustsetpolicies(_:_:)
@discardableResult
public func SecTrustSetPolicies(_ trust: SecTrust, _ policies: AnyObject) -> Int32 { 0 }
/// https://developer.apple.com/documentation/security/secpolicycreatessl(_:_:)
public func SecPolicyCreateSSL(_ server: Bool, _ hostname: CFString?) -> SecPolicy { SecPolicy() }
/// https://developer.apple.com/documentation/security/sectrustevaluatewitherror(_:_:)
public func SecTrustEvaluateWithError(_ trust: SecTrust, _ error: UnsafeMutablePointer<CFError?>?) -> Bool { false }
