import CompanionCore
import SwiftUI
import WebRTC

/// The call's video: the agent's request (system-style, the voice call goes on either way), the
/// local preview with the agent's marker over it, the agent's camera when it is on, and the
/// controls (switch camera, pause, stop). What shows is `VideoPresentation`, decided and tested
/// in CompanionCore; this view only draws it.
struct VideoScreen: View {
    let model: AppModel

    var body: some View {
        if let video = model.video {
            ZStack {
                Color.black.ignoresSafeArea()
                if video.localPreview {
                    preview(video)
                }
                if video.remoteVideo, let track = model.environment?.media.remoteVideoTrack(for: video.callId) {
                    VideoTrackView(track: track, mirrored: false)
                        .frame(width: 120, height: 160)
                        .clipShape(RoundedRectangle(cornerRadius: 12))
                        .frame(maxWidth: .infinity, maxHeight: .infinity, alignment: .topTrailing)
                        .padding()
                        .accessibilityLabel("The agent's camera")
                }
                if let prompt = video.prompt {
                    PromptCard(prompt: prompt) {
                        model.acceptVideo(video.callId.uuid)
                    } decline: {
                        model.declineVideo(video.callId.uuid)
                    }
                } else if video.localPreview {
                    controls(video)
                }
            }
        }
    }

    private func preview(_ video: VideoPresentation) -> some View {
        GeometryReader { geometry in
            ZStack {
                if let track = model.environment?.media.localVideoTrack(for: video.callId) {
                    VideoTrackView(track: track, mirrored: video.mirrored)
                }
                if video.paused || video.held {
                    Text(video.held ? "On hold: camera off" : "Video paused")
                        .font(.headline).foregroundStyle(.white)
                        .padding().background(.black.opacity(0.6), in: Capsule())
                }
                // The camera is adapted to 640×480 and turned upright: a 3:4 portrait picture.
                if let marker = video.marker,
                   let point = marker.point(view: (geometry.size.width, geometry.size.height), video: (480, 640), mirrored: video.mirrored) {
                    Circle()
                        .stroke(.yellow, lineWidth: 4)
                        .frame(width: 56, height: 56)
                        .position(x: point.x, y: point.y)
                        .accessibilityLabel("The agent points here")
                }
            }
        }
        .ignoresSafeArea()
    }

    private func controls(_ video: VideoPresentation) -> some View {
        let uuid = video.callId.uuid
        return HStack(spacing: 32) {
            Button { model.switchCamera(uuid) } label: { Image(systemName: "arrow.triangle.2.circlepath.camera") }
                .accessibilityLabel("Switch camera")
            Button { model.pauseVideo(uuid, !video.paused) } label: {
                Image(systemName: video.paused ? "video.fill" : "pause.fill")
            }
            .accessibilityLabel(video.paused ? "Resume video" : "Pause video")
            Button(role: .destructive) { model.stopVideo(uuid) } label: { Image(systemName: "video.slash.fill") }
                .accessibilityLabel("Stop video")
        }
        .font(.title)
        .foregroundStyle(.white)
        .padding()
        .background(.black.opacity(0.5), in: Capsule())
        .frame(maxHeight: .infinity, alignment: .bottom)
        .padding(.bottom, 32)
    }
}

private struct PromptCard: View {
    let prompt: VideoPrompt
    let accept: () -> Void
    let decline: () -> Void

    var body: some View {
        VStack(spacing: 16) {
            Image(systemName: "video.fill").font(.largeTitle)
            Text(prompt.title).font(.headline)
            Text(prompt.message).font(.subheadline).multilineTextAlignment(.center)
            HStack {
                Button("Not now", action: decline).buttonStyle(.bordered)
                Button("Share camera", action: accept).buttonStyle(.borderedProminent)
            }
        }
        .padding(24)
        .background(.regularMaterial, in: RoundedRectangle(cornerRadius: 20))
        .padding()
    }
}

/// WebRTC's Metal renderer bound to one track for as long as the view shows it.
private struct VideoTrackView: UIViewRepresentable {
    let track: RTCVideoTrack
    let mirrored: Bool

    func makeUIView(context: Context) -> RTCMTLVideoView {
        let view = RTCMTLVideoView(frame: .zero)
        view.videoContentMode = .scaleAspectFill
        track.add(view)
        context.coordinator.track = track
        return view
    }

    func updateUIView(_ view: RTCMTLVideoView, context: Context) {
        if context.coordinator.track !== track {
            context.coordinator.track?.remove(view)
            track.add(view)
            context.coordinator.track = track
        }
        // The front camera's preview mirrored, as the Camera app shows it.
        view.transform = mirrored ? CGAffineTransform(scaleX: -1, y: 1) : .identity
    }

    static func dismantleUIView(_ view: RTCMTLVideoView, coordinator: Coordinator) {
        coordinator.track?.remove(view)
    }

    func makeCoordinator() -> Coordinator { Coordinator() }

    final class Coordinator {
        var track: RTCVideoTrack?
    }
}

extension VideoPresentation {
    /// The video screen covers the tabs while there is a request or a picture; a notice alone
    /// (why the video ended) shows on the Status screen, under the call's controls.
    var covers: Bool { prompt != nil || localPreview || remoteVideo }
}
