import UIKit

final class AppDelegate: NSObject, UIApplicationDelegate {
    /// Created on first use, which is `didFinishLaunching` below at the latest.
    lazy var environment = AppEnvironment.live()

    func application(
        _ application: UIApplication,
        didFinishLaunchingWithOptions launchOptions: [UIApplication.LaunchOptionsKey: Any]? = nil
    ) -> Bool {
        // The one CXProvider and the PKPushRegistry are created here, at every launch, never lazily
        // on a screen: iOS terminates an app that gets a VoIP push and reports no call.
        environment.start()
        return true
    }

    func application(
        _ application: UIApplication,
        continue userActivity: NSUserActivity,
        restorationHandler: @escaping ([any UIUserActivityRestoring]?) -> Void
    ) -> Bool {
        environment.handleStartCall(userActivity)
    }
}
