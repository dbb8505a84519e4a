import CompanionCore
import Foundation

/// The companion as the app composes it, with the scripted and bridged clients, and the commands
/// a scenario gives it (the person's taps, pushes, tokens). It writes out what happens: CallKit's
/// reports and ends, the media's ICE, the status, pairing and unpairing.
@MainActor
final class HarnessApp {
    static let shared = HarnessApp()

    let clock = SystemClock()
    let connection = BridgeConnection()
    let registry = BridgePushRegistry()
    let provider: ScriptedProvider
    let coordinator: CallCoordinator
    private var credentials: (server: URL, deviceId: String, secret: String)?
    /// The app group's directory and the version the extension loaded (it loads what it is asked).
    private var directoryStore = CallDirectoryStore.empty
    private var loadedVersion: Int?
    private var nextHttp = 0
    private var http: [Int: CheckedContinuation<(Int, Data), Never>] = [:]

    private let videoViews = ScriptedVideoViews()

    private init() {
        provider = ScriptedProvider(clock: clock)
        let controller = ScriptedController()
        controller.provider = provider
        coordinator = CallCoordinator(
            configuration: CompanionConfiguration(
                deviceId: nil,
                apnsEnvironment: .sandbox,
                appVersion: "1.0.0 (harness)",
                osVersion: "18.1"
            ),
            provider: provider,
            controller: controller,
            pushRegistry: registry,
            audio: ScriptedAudio(),
            media: ScriptedMedia(),
            server: connection,
            clock: clock,
            microphone: ScriptedMicrophone(),
            camera: ScriptedCamera(),
            videoViews: videoViews
        )
    }

    func start() {
        coordinator.log = { Lines.send(["type": "log", "message": $0]) }
        coordinator.onStatusChange = { [weak self] _ in self?.sendStatus() }
        coordinator.onRecentsChange = { recents in
            guard let recent = recents.first else { return }
            Lines.send(["type": "recent", "callId": recent.id.uuidString.lowercased(),
                        "endReason": recent.endReason?.rawValue ?? NSNull(), "answered": recent.answeredAt != nil])
        }
        coordinator.onDirectoryChanged = { [weak self] version in self?.fetchDirectory(announced: version) }
        coordinator.onUnpairedByServer = { [weak self] message in
            self?.connection.configure(nil)
            Lines.send(["type": "unpairedByServer", "message": message])
        }
        videoViews.onPrompt = { [weak self] callId in
            // The person reads the prompt, then taps: on a later turn, as a tap comes.
            Task { @MainActor in self?.personAnswersVideo(callId) }
        }
        coordinator.start()
        Lines.send(["type": "ready"])
    }

    // MARK: - Lines in

    func handle(_ text: String) {
        guard let line = Lines.parse(text), let type = line["type"] as? String else { return }
        let uuid = (line["callId"] as? String).flatMap(CallID.init)?.uuid
        switch type {
        case "pair": pair(link: line["link"] as? String ?? "", name: line["name"] as? String ?? "iPhone")
        case "token": coordinator.pushRegistry(didUpdateToken: Self.bytes(hex: line["hex"] as? String ?? ""))
        case "push": registry.deliver(Lines.json(line["payload"]))
        case "behaviour": provider.behaviour = Behaviour(line)
        case "answer": if let uuid { provider.userAction(.answer, on: uuid) }
        case "decline": if let uuid { provider.userAction(.end, on: uuid) }
        case "hangup": if let uuid { coordinator.endCall(uuid) }
        case "startCall": coordinator.startCall()
        case "acceptVideo": if let uuid { coordinator.acceptVideo(uuid) }
        case "declineVideo": if let uuid { coordinator.declineVideo(uuid) }
        case "startVideo": if let uuid { coordinator.startVideo(uuid) }
        case "stopVideo": if let uuid { coordinator.stopVideo(uuid) }
        case "pauseVideo": if let uuid { coordinator.pauseVideo(uuid) }
        case "resumeVideo": if let uuid { coordinator.resumeVideo(uuid) }
        case "switchCamera": if let uuid { coordinator.switchCamera(uuid) }
        case "foreground": coordinator.appDidBecomeActive()
        case "background": coordinator.appDidEnterBackground()
        case "status": sendStatus()
        case "unpair": unpair()
        case "httpResponse":
            guard let id = line["id"] as? Int, let waiting = http.removeValue(forKey: id) else { return }
            waiting.resume(returning: (line["status"] as? Int ?? 0, Lines.json(line["body"])))
        default: connection.received(line)
        }
    }

    private func personAnswersVideo(_ callId: CallID) {
        switch provider.behaviour.video {
        case "accept": coordinator.acceptVideo(callId.uuid)
        case "decline": coordinator.declineVideo(callId.uuid)
        default: break
        }
    }

    // MARK: - Pairing, unpairing, the directory

    private func pair(link text: String, name: String) {
        let link: PairingLink
        switch PairingLink.read(text) {
        case let .success(read): link = read
        case let .failure(problem): return Lines.send(["type": "pairFailed", "message": problem.message])
        }
        let body = PairRequest(code: link.code, name: name, model: "iPhone16,2", osVersion: "18.1",
                               appVersion: "1.0.0 (harness)", bundleId: "com.example.switchboard", apnsEnvironment: .sandbox)
        Task {
            let (status, data) = await request("POST", link.server.appendingPathComponent("api/devices/pair"), body: try? JSONEncoder().encode(body))
            do {
                let paired = try ServerReply.decode(PairResponse.self, status: status, body: data)
                credentials = (link.server, paired.deviceId, paired.deviceSecret)
                connection.configure(DeviceAuth(deviceId: paired.deviceId, secret: paired.deviceSecret))
                coordinator.didPair(deviceId: paired.deviceId)
                Lines.send(["type": "paired", "deviceId": paired.deviceId, "staffId": paired.staffId])
            } catch let refusal as ServerReplyError {
                Lines.send(["type": "pairFailed", "message": PairingProblem(refusal).message])
            } catch {
                Lines.send(["type": "pairFailed", "message": "\(error)"])
            }
        }
    }

    private func unpair() {
        Task {
            let outcome = await coordinator.unpair()
            if outcome == .unpaired {
                connection.configure(nil)
                credentials = nil
            }
            Lines.send(["type": "unpaired", "outcome": "\(outcome)"])
        }
    }

    private func fetchDirectory(announced version: Int) {
        guard let credentials else { return }
        Task {
            let url = credentials.server.appendingPathComponent("api/devices/\(credentials.deviceId)/directory")
            let (status, data) = await request("GET", url, bearer: credentials.secret)
            guard let snapshot = try? ServerReply.decode(DirectorySnapshot.self, status: status, body: data) else {
                return Lines.send(["type": "directory", "announced": version, "fetched": NSNull()])
            }
            let plan = DirectoryRefreshPlan.make(snapshot: snapshot, stored: directoryStore, loadedVersion: loadedVersion)
            if let store = plan.store { directoryStore = store }
            if plan.reload { loadedVersion = directoryStore.current.version }
            Lines.send(["type": "directory", "announced": version, "fetched": snapshot.version,
                        "entries": snapshot.entries.count, "reload": plan.reload])
        }
    }

    /// HTTP through the bridge (Node's fetch): nothing is decided there.
    private func request(_ method: String, _ url: URL, body: Data? = nil, bearer: String? = nil) async -> (Int, Data) {
        nextHttp += 1
        let id = nextHttp
        var line: Lines.Object = ["type": "http", "id": id, "method": method, "url": url.absoluteString]
        if let body { line["body"] = Lines.value(body) }
        if let bearer { line["bearer"] = bearer }
        Lines.send(line)
        return await withCheckedContinuation { http[id] = $0 }
    }

    // MARK: - Status

    private func sendStatus() {
        let status = coordinator.status
        Lines.send([
            "type": "status",
            "serverConnected": status.serverConnected,
            "tokenAcknowledged": status.tokenAcknowledged,
            "voipToken": status.voipToken ?? NSNull(),
            "microphoneReported": status.microphoneReported,
            "deviceId": coordinator.configuration.deviceId ?? NSNull(),
            "activeCalls": coordinator.activeCallUUIDs.map { $0.uuidString.lowercased() },
            "recents": status.recents.map { recent -> Lines.Object in
                ["id": recent.id.uuidString.lowercased(), "endReason": recent.endReason?.rawValue ?? NSNull(),
                 "answered": recent.answeredAt != nil, "incoming": recent.isIncoming]
            },
        ])
    }

    static func bytes(hex: String) -> Data {
        var data = Data()
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            if let byte = UInt8(hex[index..<next], radix: 16) { data.append(byte) }
            index = next
        }
        return data
    }
}
