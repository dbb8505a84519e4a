import CompanionCore
import SwiftUI

struct RootView: View {
    @Bindable var model: AppModel

    var body: some View {
        switch model.step {
        case .pair:
            NavigationStack { PairingView(model: model) }
        case .microphone:
            // Right after pairing: asked in the middle of the first answered call, it would be
            // too late for that call's audio.
            MicrophoneView(model: model)
        case .ready:
            TabView {
                NavigationStack { StatusView(model: model) }
                    .tabItem { Label("Status", systemImage: "antenna.radiowaves.left.and.right") }
                NavigationStack { RecentsView(model: model) }
                    .tabItem { Label("Recents", systemImage: "clock") }
            }
            // The agent's request and the call's video cover the tabs while there is one.
            .fullScreenCover(isPresented: Binding(get: { model.video?.covers == true }, set: { _ in })) {
                VideoScreen(model: model)
            }
        }
    }
}
