export default function Home() {
  return (
    <main>
      <h1>LiveKit app server</h1>
    </main>
  );
}
