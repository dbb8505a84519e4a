import CompanionCore
import Foundation

/// `POST /api/devices/pair`: redeems the one-time code shown on the console.
struct PairingClient {
    var session: URLSession = .shared

    enum Failure: LocalizedError {
        case refused(ErrorCode?, String)
        case badResponse(Int)

        var errorDescription: String? {
            switch self {
            case .refused(.pairingCodeInvalid?, _): "This pairing code is wrong, used or expired. Ask for a new one."
            case .refused(.rateLimited?, _): "Too many attempts. Wait a minute and try again."
            case let .refused(_, message): message
            case let .badResponse(status): "The server answered \(status)."
            }
        }
    }

    func pair(_ link: PairingLink, info: AppInfo) async throws -> DeviceCredentials {
        let body = PairRequest(
            code: link.code,
            name: info.deviceName,
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

        let (data, response) = try await session.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            // Error responses carry the same `{code, message}` body as acks.
            if let refusal = try? JSONDecoder().decode(ErrorResponse.self, from: data) {
                throw Failure.refused(refusal.error.code, refusal.error.message)
            }
            throw Failure.badResponse(status)
        }
        let paired = try JSONDecoder().decode(PairResponse.self, from: data)
        return DeviceCredentials(
            server: link.server,
            deviceId: paired.deviceId,
            deviceSecret: paired.deviceSecret,
            staffId: paired.staffId
        )
    }
}
