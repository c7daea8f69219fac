// The browser side of the OpenVidu/LiveKit tutorials' openvidu-js client, reduced to its contract
// with the application server: POST {roomName, participantName} as JSON to
// APPLICATION_SERVER_URL + "token", read `.token` (`.errorMessage` on failure), then
// livekit-client's room.connect(LIVEKIT_URL, token) and publish camera and microphone. The
// tutorial has both URLs edited in its source; this copy takes them from its query string.
const params = new URLSearchParams(window.location.search);
const APPLICATION_SERVER_URL = params.get("app") || "http://localhost:6080/";
const LIVEKIT_URL = params.get("livekit") || "ws://localhost:7880/";
const LivekitClient = window.LivekitClient;
let room;

async function joinRoom() {
  document.getElementById("join-button").disabled = true;
  room = new LivekitClient.Room();
  room.on(LivekitClient.RoomEvent.TrackSubscribed, (track, _publication, participant) => {
    const element = track.attach();
    element.id = track.sid;
    element.dataset.identity = participant.identity;
    document.getElementById("layout-container").append(element);
  });
  room.on(LivekitClient.RoomEvent.TrackUnsubscribed, (track) => {
    track.detach();
    document.getElementById(track.sid)?.remove();
  });
  try {
    const roomName = document.getElementById("room-name").value;
    const userName = document.getElementById("participant-name").value;
    const token = await getToken(roomName, userName);
    await room.connect(LIVEKIT_URL, token);
    document.getElementById("room-title").innerText = roomName;
    document.getElementById("join").hidden = true;
    document.getElementById("room").hidden = false;
    await room.localParticipant.enableCameraAndMicrophone();
  } catch (error) {
    document.getElementById("room-title").innerText = "error: " + error.message;
    document.getElementById("room").hidden = false;
  }
}

async function getToken(roomName, participantName) {
  const response = await fetch(APPLICATION_SERVER_URL + "token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ roomName, participantName }),
  });
  if (!response.ok) {
    const error = await response.json();
    throw new Error(`Failed to get token: ${error.errorMessage}`);
  }
  return (await response.json()).token;
}

window.joinRoom = joinRoom;
