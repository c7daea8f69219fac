"use client";

import { useId, useState, type FormEvent } from "react";
import { checkValues, type JoinError, type JoinField, type JoinValues } from "./join";

interface JoinFormProps {
  /** Remembered values; null until the browser's storage was read. */
  initial: JoinValues | null;
  /** Opened from an invite link: the room it names, shown but not editable. */
  invitedRoom: string | null;
  /** Opened from an invite link that cannot be read: joining is refused until a new link. */
  inviteDamaged: boolean;
  requesting: boolean;
  /** The server's refusal of the last attempt. */
  error: JoinError | null;
  onJoin: (values: JoinValues) => void;
}

/** Room name and display name; the server's `errorMessage` shows under the field it names. */
export function JoinForm({
  initial,
  invitedRoom,
  inviteDamaged,
  requesting,
  error,
  onJoin,
}: JoinFormProps) {
  const [values, setValues] = useState<JoinValues>(
    initial ?? { roomName: "", participantName: "" },
  );
  const [localErrors, setLocalErrors] = useState<Partial<Record<JoinField, string>>>({});
  const [submitted, setSubmitted] = useState<JoinValues | null>(null);
  const id = useId();
  // Until the remembered values are read (after hydration) the form is inert: text typed into
  // the server-rendered form would be lost when it remounts with them, and a click would submit
  // natively instead of asking /api/token.
  const loading = initial === null;

  // The server's message belongs to the values it judged; editing that field clears it.
  const judged = submitted ?? initial;
  const serverError =
    error && (error.field === null || !judged || values[error.field] === judged[error.field])
      ? error
      : null;
  const fieldError = (field: JoinField) =>
    localErrors[field] ?? (serverError?.field === field ? serverError.message : undefined);
  const formError = serverError && serverError.field === null ? serverError.message : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (inviteDamaged) return;
    const errors = checkValues(values);
    setLocalErrors(errors);
    if (Object.keys(errors).length > 0) {
      const first = Object.keys(errors)[0];
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setSubmitted(values);
    onJoin(values);
  };

  const field = (
    name: JoinField,
    label: string,
    hint: string,
    autoComplete: string,
    readOnly = false,
  ) => {
    const message = fieldError(name);
    const inputId = `${id}-${name}`;
    return (
      <div className="field">
        <label htmlFor={inputId}>{label}</label>
        <input
          id={inputId}
          name={name}
          type="text"
          autoComplete={autoComplete}
          spellCheck={false}
          value={values[name]}
          disabled={loading}
          readOnly={readOnly}
          aria-invalid={message ? true : undefined}
          aria-describedby={`${inputId}-hint${message ? ` ${inputId}-error` : ""}`}
          onChange={(event) => {
            const value = event.target.value;
            setValues((current) => ({ ...current, [name]: value }));
            setLocalErrors((current) => ({ ...current, [name]: undefined }));
          }}
        />
        <p className="field-hint" id={`${inputId}-hint`}>
          {hint}
        </p>
        {message && (
          <p className="field-error" id={`${inputId}-error`} role="alert">
            {message}
          </p>
        )}
      </div>
    );
  };

  return (
    <form className="join-card" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Join a room</h2>
      {invitedRoom === null
        ? field("roomName", "Room name", "Everyone who joins this name meets here.", "off")
        : field("roomName", "Room name", "You were invited to this room.", "off", true)}
      {field("participantName", "Your name", "Shown to the others in the room.", "nickname")}
      {formError && (
        <p className="form-error" role="alert">
          {formError}
        </p>
      )}
      {inviteDamaged && (
        <p className="form-error" role="alert">
          This invite link is damaged, so it cannot be used. Ask whoever sent it for a new link, or{" "}
          {/* A full load on purpose: the page reads what it arrived with once per load. */}
          {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
          <a href="/">open this page without it</a> to join a room by name.
        </p>
      )}
      <button
        className="button-primary"
        type="submit"
        disabled={requesting || loading || inviteDamaged}
      >
        {requesting ? (
          <>
            <span className="spinner" aria-hidden="true" /> Requesting a token…
          </>
        ) : (
          "Join"
        )}
      </button>
      <p className="sr-only" role="status">
        {requesting ? "Requesting a token…" : ""}
      </p>
      <p className="join-note">
        Your camera and microphone are asked for when you join; you can join without them.
      </p>
    </form>
  );
}
