import CompanionCore
import Foundation

/// What pairing gives the phone. The secret authenticates the `/device` socket; the server keeps
/// only its hash, so losing it means pairing again. `pin`, when the pairing link carried one, is
/// the only certificate the phone accepts from this server (credentials saved before pins existed
/// decode without one).
struct DeviceCredentials: Codable, Equatable, Sendable {
    var server: URL
    var deviceId: String
    var deviceSecret: String
    var staffId: String
    var pin: ServerPin?
}
