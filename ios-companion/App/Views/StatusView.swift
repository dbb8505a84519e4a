import CompanionCore
import SwiftUI

/// What the phone knows about its link to the console: the socket, the VoIP token (and whether
/// the server has it), the APNs environment, the last push, and the call in progress.
struct StatusView: View {
    @Bindable var model: AppModel
    @State private var unpairing = false
    @State private var unpairProblem: UnpairOutcome?

    var body: some View {
        List {
            if let notice = model.status.microphoneNotice {
                Section {
                    Label(notice, systemImage: "mic.slash.fill").foregroundStyle(.red)
                    if model.status.microphone == .denied {
                        Button("Open Settings") { model.openSettings() }
                    } else {
                        Button("Allow microphone") { model.allowMicrophone() }
                    }
                }
            }
            if let problem = model.status.connectionProblem {
                Section { Label(problem, systemImage: "lock.trianglebadge.exclamationmark").foregroundStyle(.red) }
            }
            Section("Server") {
                LabeledContent("Console", value: model.credentials?.server.host() ?? "—")
                LabeledContent("Connection") {
                    Label(model.status.serverConnected ? "Connected" : "Not connected",
                          systemImage: model.status.serverConnected ? "checkmark.circle.fill" : "bolt.horizontal.circle")
                        .foregroundStyle(model.status.serverConnected ? .green : .secondary)
                }
                Text("The connection only lives while the app is open; calls ring through VoIP pushes.")
                    .font(.footnote)
                    .foregroundStyle(.secondary)
            }
            Section("VoIP push") {
                LabeledContent("Environment", value: model.status.apnsEnvironment.rawValue)
                LabeledContent("Token") {
                    Text(model.status.tokenSummary).font(.footnote.monospaced())
                }
                if let updated = model.status.tokenUpdatedAt {
                    LabeledContent("Updated") { Text(updated, style: .relative) }
                }
                LabeledContent("Server has it", value: model.status.tokenAcknowledged ? "Yes" : "Not yet")
                if let push = model.status.lastPush {
                    LabeledContent("Last push") {
                        VStack(alignment: .trailing) {
                            Text(push.receivedAt, style: .relative)
                            Text(push.description).font(.footnote).foregroundStyle(.secondary)
                        }
                    }
                }
            }
            Section("Calls") {
                ForEach(model.activeCalls, id: \.self) { uuid in
                    InCallControls(model: model, uuid: uuid)
                }
                if let notice = model.video?.notice, model.video?.covers == false {
                    Label(notice, systemImage: "video.slash").foregroundStyle(.secondary)
                }
                if model.status.activeCallCount == 0 {
                    Button { model.callConsole() } label: { Label("Call the console", systemImage: "phone") }
                }
            }
            Section {
                Button("Unpair this phone", role: .destructive) {
                    unpairing = true
                    Task {
                        let outcome = await model.unpair()
                        unpairing = false
                        if outcome != .unpaired { unpairProblem = outcome }
                    }
                }
                .disabled(unpairing || model.status.activeCallCount > 0)
            } footer: {
                Text("The console stops ringing this phone.")
            }
        }
        .navigationTitle("Switchboard")
        .alert(
            unpairProblem == .inCall ? "End the call first" : "The console could not be reached",
            isPresented: Binding(get: { unpairProblem != nil }, set: { if !$0 { unpairProblem = nil } })
        ) {
            if unpairProblem == .serverUnreachable {
                Button("Unpair anyway", role: .destructive) { model.unpairLocally() }
            }
            Button("Cancel", role: .cancel) {}
        } message: {
            Text(
                unpairProblem == .inCall
                    ? "The phone stays paired while a call is in progress."
                    : "If you unpair anyway, the console keeps this phone until an admin unpairs it there."
            )
        }
    }
}

private struct InCallControls: View {
    let model: AppModel
    let uuid: UUID
    @State private var muted = false
    @State private var held = false

    var body: some View {
        HStack {
            Toggle(isOn: $muted) { Image(systemName: muted ? "mic.slash.fill" : "mic.fill") }
                .toggleStyle(.button)
                .onChange(of: muted) { _, on in model.mute(uuid, on) }
            Toggle(isOn: $held) { Image(systemName: "pause.fill") }
                .toggleStyle(.button)
                .onChange(of: held) { _, on in model.hold(uuid, on) }
            Button { model.startVideo(uuid) } label: { Image(systemName: "video.fill") }
                .accessibilityLabel("Share camera")
                .disabled(model.video?.callId.uuid == uuid && model.video?.localPreview == true)
            Spacer()
            Button(role: .destructive) { model.end(uuid) } label: { Image(systemName: "phone.down.fill") }
                .buttonStyle(.borderedProminent)
                .tint(.red)
        }
    }
}
