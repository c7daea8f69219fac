/**
 * Strings only LiveKit's packages contain, to tell from the scripts and stylesheets a page
 * loaded whether it loaded them: the console must not (issue 11). Used by the console's browser
 * test and by `npm run bench` (its console page weight).
 */
export const LIVEKIT_MARKS = [
  "could not establish signal connection", // livekit-client
  "lk-room-container", // @livekit/components-react
  "[data-lk-theme", // @livekit/components-styles
  "X-Livekit-Request-Id", // livekit-server-sdk's Twirp client
];
