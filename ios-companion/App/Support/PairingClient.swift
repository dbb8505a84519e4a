import CompanionCore
import Foundation
import os

/// `POST /api/devices/pair`: redeems the one-time code shown on the console. When the link
/// carries the server's certificate fingerprint, that certificate is the only one accepted, from
/// this first request on.
struct PairingClient {
    func pair(_ link: PairingLink, name: String, info: AppInfo) async throws -> DeviceCredentials {
        // Set on URLSession's delegate queue, read after the request.
        let refusal = OSAllocatedUnfairLock<String?>(initialState: nil)
        let trust = PinnedTrust(pin: link.pin) { message in refusal.withLock { $0 = message } }
        let session = URLSession(configuration: .ephemeral, delegate: trust, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let body = PairRequest(
            code: link.code,
            name: name,
            model: info.model,
            osVersion: info.osVersion,
            appVersion: info.appVersion,
            bundleId: info.bundleId,
            apnsEnvironment: info.apnsEnvironment
        )
        var request = URLRequest(url: link.server.appending(path: "api/devices/pair"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.timeoutInterval = 15
        request.httpBody = try JSONEncoder().encode(body)

        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            // A refused certificate surfaces as a cancelled request: say why instead.
            if let message = refusal.withLock({ $0 }) { throw PairingClientError.untrustedServer(message) }
            throw error
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let paired: PairResponse
        do {
            paired = try ServerReply.decode(PairResponse.self, status: status, body: data)
        } catch let refusal as ServerReplyError {
            throw PairingProblem(refusal)
        }
        return DeviceCredentials(
            server: link.server,
            deviceId: paired.deviceId,
            deviceSecret: paired.deviceSecret,
            staffId: paired.staffId,
            pin: link.pin
        )
    }
}

enum PairingClientError: LocalizedError {
    case untrustedServer(String)
    var errorDescription: String? {
        switch self {
        case let .untrustedServer(message): message
        }
    }
}
