import CompanionCore
import SwiftUI

/// Onboarding's second step: why the microphone, then iOS's own question.
struct MicrophoneView: View {
    let model: AppModel

    var body: some View {
        VStack(spacing: 24) {
            Spacer()
            Image(systemName: "mic.circle.fill")
                .font(.system(size: 72))
                .foregroundStyle(.tint)
                .accessibilityHidden(true)
            Text("Allow the microphone").font(.title2.bold())
            Text(Onboarding.microphoneExplanation)
                .multilineTextAlignment(.center)
                .foregroundStyle(.secondary)
            Spacer()
            Button("Allow microphone") { model.allowMicrophone() }
                .buttonStyle(.borderedProminent)
                .controlSize(.large)
            Button("Not now") { model.microphoneDeferred = true }
        }
        .padding(32)
    }
}
