/** What the page says in protected mode to someone who came without an invite link. */
export function ProtectedNotice({ inviteDamaged }: { inviteDamaged: boolean }) {
  return (
    <section className="join-card" aria-labelledby="protected-title">
      <h2 id="protected-title">An invite link is needed</h2>
      {inviteDamaged && (
        <p className="form-error" role="alert">
          The invite link this page was opened with is damaged, so it cannot be used. Ask whoever
          sent it for a new one.
        </p>
      )}
      <p>
        This server gives room tokens only to invited people. Open the invite link the host sent
        you; it looks like <code>https://…/#invite=…</code>.
      </p>
      <p className="join-note">
        Hosting? Make a link on the server with{" "}
        <code>npm run invite -- --room &lt;room name&gt;</code> (valid 24 hours;{" "}
        <code>--expires</code> changes that) and share it.
      </p>
    </section>
  );
}
