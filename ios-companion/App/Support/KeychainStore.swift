import Foundation
import Security

/// The device secret lives in the Keychain, never in UserDefaults or a file.
struct KeychainStore: Sendable {
    let service: String
    private let account = "device"

    /// `AfterFirstUnlock`: a VoIP push wakes the app while the phone is locked, and the socket
    /// must authenticate then; `ThisDeviceOnly` keeps the secret out of backups and new phones.
    private var accessibility: CFString { kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly }

    func load() -> DeviceCredentials? {
        var query = baseQuery
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var result: CFTypeRef?
        guard SecItemCopyMatching(query as CFDictionary, &result) == errSecSuccess, let data = result as? Data else {
            return nil
        }
        return try? JSONDecoder().decode(DeviceCredentials.self, from: data)
    }

    func save(_ credentials: DeviceCredentials) throws {
        let data = try JSONEncoder().encode(credentials)
        let attributes: [String: Any] = [
            kSecValueData as String: data,
            kSecAttrAccessible as String: accessibility,
        ]
        var status = SecItemUpdate(baseQuery as CFDictionary, attributes as CFDictionary)
        if status == errSecItemNotFound {
            var item = baseQuery
            item.merge(attributes) { _, new in new }
            status = SecItemAdd(item as CFDictionary, nil)
        }
        guard status == errSecSuccess else { throw KeychainError(status: status) }
    }

    func delete() {
        SecItemDelete(baseQuery as CFDictionary)
    }

    private var baseQuery: [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: account,
        ]
    }
}

struct KeychainError: LocalizedError {
    let status: OSStatus
    var errorDescription: String? {
        "The Keychain refused to store the device secret (\(SecCopyErrorMessageString(status, nil) as String? ?? "\(status)"))."
    }
}
