import Intents
import SwiftUI

@main
struct SwitchboardApp: App {
    /// The delegate builds the CallKit provider and the PushKit registry during launch, before any
    /// scene exists: a VoIP push that relaunches the app is delivered right after launch.
    @UIApplicationDelegateAdaptor(AppDelegate.self) private var appDelegate
    @Environment(\.scenePhase) private var scenePhase

    var body: some Scene {
        WindowGroup {
            RootView(model: appDelegate.environment.model)
                .onOpenURL { url in
                    appDelegate.environment.model.handle(url: url)
                }
                // Tapping a Switchboard call in the Phone app's Recents (or asking Siri) arrives as
                // an INStartCallIntent: call the console back.
                .onContinueUserActivity(NSStringFromClass(INStartCallIntent.self)) { activity in
                    _ = appDelegate.environment.handleStartCall(activity)
                }
        }
        .onChange(of: scenePhase) { _, phase in
            switch phase {
            case .active: appDelegate.environment.appDidBecomeActive()
            case .background: appDelegate.environment.appDidEnterBackground()
            default: break
            }
        }
    }
}
