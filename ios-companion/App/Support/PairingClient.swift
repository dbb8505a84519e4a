import CompanionCore
import Foundation

/// `POST /api/devices/pair`: redeems the one-time code shown on the console.
struct PairingClient {
    var session: URLSession = .shared

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
            staffId: paired.staffId
        )
    }
}
