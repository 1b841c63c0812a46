// The scanner's camera (/business/scanner, "Scan with camera").
//
// The server drives it: it calls `start()`, then asks for one frame at a time with
// `frame()` and asks for the next only after decoding the last, so a slow network or
// a busy server never piles frames up. Frames are downscaled JPEGs, at most a few a
// second. Nothing here repeats on its own.
window.gudcityCamera = (() => {
  const FRAME_GAP_MS = 250;
  const MAX_SIDE = 800;
  let stream = null;
  let cameras = [];
  let cameraIndex = -1;
  let lastFrameAt = 0;

  const video = () => document.getElementById("scan-camera");

  // Why the camera did not start, as a reason the server words in the tab's language
  // (gudcity/state/camera.py, CAMERA_ERRORS).
  const explain = (error) => {
    switch (error && error.name) {
      case "NotAllowedError":
      case "SecurityError":
        return "denied";
      case "NotFoundError":
      case "OverconstrainedError":
        return "not-found";
      case "NotReadableError":
        return "busy";
      case "Unsupported":
        return "unsupported";
      default:
        return "failed";
    }
  };

  function stop() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    const element = video();
    if (element) element.srcObject = null;
  }

  async function open(constraints) {
    stop();
    try {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        throw { name: "Unsupported" };
      }
      stream = await navigator.mediaDevices.getUserMedia({
        video: { ...constraints, width: { ideal: 1280 }, height: { ideal: 720 } },
        audio: false,
      });
      const devices = await navigator.mediaDevices.enumerateDevices();
      cameras = devices.filter((device) => device.kind === "videoinput");
      const element = video();
      element.srcObject = stream;
      await element.play();
      return { ok: true, cameras: cameras.length, error: "" };
    } catch (error) {
      stop();
      return { ok: false, cameras: 0, error: explain(error) };
    }
  }

  // The rear camera when there is one.
  const start = () => open({ facingMode: { ideal: "environment" } });

  function switchCamera() {
    if (cameras.length < 2) return start();
    cameraIndex = (cameraIndex + 1) % cameras.length;
    return open({ deviceId: { exact: cameras[cameraIndex].deviceId } });
  }

  // One downscaled JPEG frame as a data URL, no sooner than FRAME_GAP_MS after the
  // last; "" while the camera has no picture yet (or was stopped).
  async function frame() {
    const wait = lastFrameAt + FRAME_GAP_MS - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    lastFrameAt = performance.now();
    const element = video();
    if (!stream || !element || !element.videoWidth) return "";
    const scale = Math.min(1, MAX_SIDE / Math.max(element.videoWidth, element.videoHeight));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(element.videoWidth * scale);
    canvas.height = Math.round(element.videoHeight * scale);
    canvas.getContext("2d").drawImage(element, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL("image/jpeg", 0.85);
  }

  // A read: stop the camera, beep and buzz.
  function confirm() {
    stop();
    try {
      const audio = new AudioContext();
      const tone = audio.createOscillator();
      tone.frequency.value = 1046;
      tone.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.12);
    } catch (error) {
      // No sound available: the on-screen confirmation is enough.
    }
    if (navigator.vibrate) navigator.vibrate(80);
    return true;
  }

  return { start, stop, switchCamera, frame, confirm };
})();
