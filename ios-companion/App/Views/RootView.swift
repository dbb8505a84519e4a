import CompanionCore
import SwiftUI

struct RootView: View {
    @Bindable var model: AppModel

    var body: some View {
        if model.isPaired {
            TabView {
                NavigationStack { StatusView(model: model) }
                    .tabItem { Label("Status", systemImage: "antenna.radiowaves.left.and.right") }
                NavigationStack { RecentsView(model: model) }
                    .tabItem { Label("Recents", systemImage: "clock") }
            }
        } else {
            NavigationStack { PairingView(model: model) }
        }
    }
}
