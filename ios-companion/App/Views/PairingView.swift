import AVFoundation
import CompanionCore
import SwiftUI

/// Pairs the phone with a console: scan the QR code the console shows, or type its server address
/// and code.
struct PairingView: View {
    @Bindable var model: AppModel
    @State private var server = ""
    @State private var code = ""
    @State private var cameraAllowed = AVCaptureDevice.authorizationStatus(for: .video) == .authorized

    var body: some View {
        Form {
            if let notice = model.unpairedNotice {
                Section { Label(notice, systemImage: "exclamationmark.triangle").foregroundStyle(.orange) }
            }
            Section("Scan the console's code") {
                if cameraAllowed {
                    QRScannerView { value in model.scanned(value) }
                        .frame(height: 280)
                        .listRowInsets(EdgeInsets())
                } else {
                    Button("Allow the camera to scan") {
                        Task { cameraAllowed = await AVCaptureDevice.requestAccess(for: .video) }
                    }
                }
            }
            Section {
                TextField("Name", text: $model.deviceName)
                    .textContentType(.name)
            } header: {
                Text("This phone's name")
            } footer: {
                Text("The console shows it in the roster.")
            }
            Section("Or enter it") {
                TextField("Server, e.g. https://calls.example.com", text: $server)
                    .textContentType(.URL)
                    .keyboardType(.URL)
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
                TextField("Pairing code", text: $code)
                    .textInputAutocapitalization(.characters)
                    .autocorrectionDisabled()
                    .font(.body.monospaced())
                Button("Pair") {
                    if let link = PairingLink.typed(server: server, code: code) { model.pair(link) }
                }
                .disabled(PairingLink.typed(server: server, code: code) == nil || model.pairingState == .pairing)
            }
            switch model.pairingState {
            case .idle:
                EmptyView()
            case .pairing:
                Section { ProgressView("Pairing…") }
            case let .failed(message):
                Section {
                    Text(message).foregroundStyle(.red)
                    Button("Scan again") { model.scanAgain() }
                }
            }
        }
        .navigationTitle("Pair with a console")
    }
}
