import Foundation
import Testing
@testable import CompanionCore

/// Issue 21 item 1: without the microphone the first call answered from the lock screen is
/// silent. The app asks right after pairing (onboarding), warns while it is denied, and reports it
/// to the server for the console's roster.
@MainActor
@Suite("Microphone: asked at onboarding, warned about, reported to the server")
struct MicrophoneTests {
    @Test("after pairing, onboarding asks for the microphone until iOS has an answer")
    func onboarding() {
        #expect(Onboarding.step(isPaired: false, microphone: .undetermined, microphoneDeferred: false) == .pair)
        #expect(Onboarding.step(isPaired: true, microphone: .undetermined, microphoneDeferred: false) == .microphone)
        #expect(Onboarding.step(isPaired: true, microphone: .undetermined, microphoneDeferred: true) == .ready)
        #expect(Onboarding.step(isPaired: true, microphone: .granted, microphoneDeferred: false) == .ready)
        #expect(Onboarding.step(isPaired: true, microphone: .denied, microphoneDeferred: false) == .ready)
        #expect(Onboarding.microphoneExplanation.contains("silent"))
    }

    @Test("the permission is reported on connect and acknowledged; asking again reports the answer")
    func reported() async throws {
        let harness = Harness(microphone: .undetermined)
        await harness.settle()
        let sent = { try harness.server.emits(.permissionsReport).map { try $0.decode(PermissionsReport.self).microphone } }
        #expect(try sent() == [.undetermined])
        #expect(harness.coordinator.status.microphoneReported)
        #expect(harness.coordinator.status.microphoneNotice == "Microphone not allowed yet: calls will be silent until you allow it")

        harness.microphone.answer = .denied
        #expect(await harness.coordinator.requestMicrophone() == .denied)
        await harness.settle()
        #expect(try sent() == [.undetermined, .denied])
        #expect(harness.coordinator.status.microphoneNotice == "Microphone off: calls will be silent")

        // Not again on a reconnect once acknowledged; again after a change made in Settings.
        harness.server.simulateDisconnect()
        harness.server.simulateConnect()
        await harness.settle()
        #expect(try sent().count == 2)
        harness.microphone.permission = .granted
        harness.coordinator.appDidBecomeActive()
        await harness.settle()
        #expect(try sent() == [.undetermined, .denied, .granted])
        #expect(harness.coordinator.status.microphoneNotice == nil)
    }

    @Test("a refused or unanswered report is sent again at the next connect; a new pairing is told too")
    func reportedAgain() async throws {
        let harness = Harness(connected: false, microphone: .denied)
        harness.server.script[.permissionsReport] = [.timeout]
        harness.server.simulateConnect()
        await harness.settle()
        #expect(!harness.coordinator.status.microphoneReported)
        harness.server.simulateDisconnect()
        harness.server.simulateConnect()
        await harness.settle()
        #expect(harness.coordinator.status.microphoneReported)

        harness.coordinator.didPair(deviceId: "dev_new")
        await harness.settle()
        let last = try #require(harness.server.emits(.permissionsReport).last)
        #expect(try last.decode(PermissionsReport.self) == PermissionsReport(microphone: .denied))
        #expect(harness.coordinator.status.microphoneReported)
    }
}

/// Issue 21 item 2: the app's Unpair tells the server, which then stops pushing to the phone.
@MainActor
@Suite("Unpairing from the phone: the server is told first")
struct UnpairTests {
    @Test("unpair sends device:unpair, and forgets the pairing once the server has")
    func unpairs() async throws {
        let harness = Harness()
        #expect(await harness.coordinator.unpair() == .unpaired)
        #expect(harness.server.emits(.deviceUnpair).count == 1)
        #expect(try harness.server.emits(.deviceUnpair).first?.decode(DeviceUnpair.self) == DeviceUnpair())
        #expect(harness.coordinator.configuration.deviceId == nil)
        #expect(harness.server.disconnectRequests == 1)
    }

    @Test("with the socket down, it connects first and waits for it")
    func connectsFirst() async {
        let harness = Harness(connected: false)
        let outcome = Task { await harness.coordinator.unpair() }
        await harness.yieldUntil { harness.server.connectRequests > 0 }
        harness.server.simulateConnect()
        #expect(await outcome.value == .unpaired)
    }

    @Test("no server within the request timeout, or a call in progress: nothing is forgotten")
    func refusals() async {
        let offline = Harness(connected: false)
        let outcome = Task { await offline.coordinator.unpair() }
        await offline.yieldUntil { offline.server.connectRequests > 0 }
        offline.clock.advance(by: .seconds(8))
        #expect(await outcome.value == .serverUnreachable)
        #expect(offline.coordinator.configuration.deviceId == Harness.deviceId)

        let busy = Harness()
        _ = await busy.answered()
        #expect(await busy.coordinator.unpair() == .inCall)
        #expect(busy.server.emits(.deviceUnpair).isEmpty)

        let conflict = Harness()
        conflict.server.script[.deviceUnpair] = [TestServerConnection.error(.conflict)]
        #expect(await conflict.coordinator.unpair() == .inCall)
        #expect(conflict.coordinator.configuration.deviceId == Harness.deviceId)
    }

    @Test("already unpaired from the console counts as done")
    func alreadyGone() async {
        let harness = Harness()
        harness.server.script[.deviceUnpair] = [TestServerConnection.error(.notFound)]
        #expect(await harness.coordinator.unpair() == .unpaired)
        #expect(harness.coordinator.configuration.deviceId == nil)
    }
}

/// Issue 21 item 9: a phone the server no longer knows says so and goes back to pairing.
@MainActor
@Suite("Refused by the server: unpaired elsewhere")
struct RefusedHandshakeTests {
    @Test("UNAUTHORIZED at the handshake forgets the pairing and tells the app why")
    func unauthorized() {
        let harness = Harness(connected: false)
        var told: [String] = []
        harness.coordinator.onUnpairedByServer = { told.append($0) }
        harness.server.simulateRefusal(.unauthorized, "UNAUTHORIZED: unknown device or wrong secret; pair the phone again")
        #expect(told == ["This phone was unpaired from the console. Pair it again to take calls."])
        #expect(harness.coordinator.configuration.deviceId == nil)
    }

    @Test("other refusals keep the pairing; a protocol mismatch is shown on the Status screen")
    func others() {
        let harness = Harness(connected: false)
        var told: [String] = []
        harness.coordinator.onUnpairedByServer = { told.append($0) }
        harness.server.simulateRefusal(.protocolMismatch, "update the app")
        harness.server.simulateRefusal(nil, "connection refused")
        #expect(told.isEmpty)
        #expect(harness.coordinator.configuration.deviceId == Harness.deviceId)
        #expect(harness.coordinator.status.connectionProblem == "update the app")
    }

    @Test("what Socket.IO hands the error handler is read into a code and the server's words")
    func parsesTheRefusal() {
        let items: [Any] = [[
            "message": "UNAUTHORIZED: unknown device or wrong secret; pair the phone again",
            "data": ["code": "UNAUTHORIZED", "message": "unknown device or wrong secret; pair the phone again"],
        ]]
        let refusal = HandshakeRefusal(socketItems: items)
        #expect(refusal?.code == .unauthorized)
        #expect(refusal?.message == "unknown device or wrong secret; pair the phone again")
        #expect(HandshakeRefusal(socketItems: ["UNAUTHORIZED: gone"])?.code == .unauthorized)
        #expect(HandshakeRefusal(socketItems: ["The Internet connection appears to be offline."])?.code == nil)
        #expect(HandshakeRefusal(socketItems: []) == nil)
    }
}
