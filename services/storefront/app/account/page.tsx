'use client';
import { useRouter } from 'next/navigation';
import { type FormEvent, useEffect, useState } from 'react';
import { Loading, NeedLogin, ProblemView } from '../../components/ui.tsx';
import { api, asProblem, type Problem, type Schemas } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';

type Profile = Schemas['UserProfile'];

export default function AccountPage() {
  const { ready, user, signOut, clearCart } = useSession();
  const router = useRouter();
  const [profile, setProfile] = useState<Profile | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);

  useEffect(() => {
    if (!ready || !user) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      const { data, error, response } = await api.GET('/users/me');
      if (stop) return;
      if (data) return setProfile(data);
      // The profile is made from user.registered: just after signing up it may not exist yet.
      if (response.status === 404) timer = setTimeout(load, 1000);
      else setProblem(asProblem(error, response));
    };
    void load();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [ready, user]);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const line1 = text('line1');
    const body: Schemas['UpdateProfileRequest'] = {
      name: text('name'),
      phone: text('phone') || null,
      address: line1
        ? {
            line1,
            line2: text('line2') || null,
            city: text('city'),
            region: text('region') || null,
            postalCode: text('postalCode'),
            country: text('country').toUpperCase(),
          }
        : null,
    };
    setBusy(true);
    setSaved(false);
    setProblem(null);
    const { data, error, response } = await api.PATCH('/users/me', { body });
    setBusy(false);
    if (!data) return setProblem(asProblem(error, response));
    setProfile(data);
    setSaved(true);
  }

  async function deleteAccount() {
    setBusy(true);
    const { error, response } = await api.DELETE('/auth/me');
    setBusy(false);
    if (!response.ok) return setProblem(asProblem(error, response));
    signOut();
    clearCart();
    router.push('/?deleted=1');
  }

  if (!ready) return <Loading what="your account" />;
  if (!user) return <NeedLogin />;
  return (
    <>
      <h1>Account</h1>
      <p className="muted">
        {user.email} · {user.role} · {user.email_verified ? 'e-mail verified' : 'e-mail not verified yet'}
      </p>
      <ProblemView problem={problem} />
      {!profile ? (
        <Loading what="your profile" />
      ) : (
        <form className="card stack" onSubmit={save} key={profile.updatedAt}>
          <label>
            Name
            <input name="name" defaultValue={profile.name} required maxLength={200} />
          </label>
          <label>
            Phone (E.164, e.g. +94771234567)
            <input name="phone" defaultValue={profile.phone ?? ''} placeholder="+94771234567" />
          </label>
          <fieldset className="stack" style={{ border: 0, padding: 0 }}>
            <legend className="muted">Delivery address (leave the street empty to remove it)</legend>
            <input
              name="line1"
              aria-label="Street"
              placeholder="Street"
              defaultValue={profile.address?.line1 ?? ''}
            />
            <input
              name="line2"
              aria-label="Apartment"
              placeholder="Apartment, suite"
              defaultValue={profile.address?.line2 ?? ''}
            />
            <div className="row">
              <input
                name="city"
                aria-label="City"
                placeholder="City"
                defaultValue={profile.address?.city ?? ''}
              />
              <input
                name="region"
                aria-label="Region"
                placeholder="Region"
                defaultValue={profile.address?.region ?? ''}
              />
            </div>
            <div className="row">
              <input
                name="postalCode"
                aria-label="Postal code"
                placeholder="Postal code"
                defaultValue={profile.address?.postalCode ?? ''}
              />
              <input
                name="country"
                aria-label="Country"
                placeholder="LK"
                maxLength={2}
                defaultValue={profile.address?.country ?? ''}
              />
            </div>
          </fieldset>
          {saved ? <div className="notice">Profile saved.</div> : null}
          <button type="submit" disabled={busy}>
            Save profile
          </button>
        </form>
      )}
      <div className="card stack">
        <h2 style={{ margin: 0, fontSize: '1.1rem' }}>Delete account</h2>
        <p className="muted">Deletes your account; every service erases your personal data.</p>
        {confirmDelete ? (
          <div className="row">
            <button type="button" className="danger" disabled={busy} onClick={() => void deleteAccount()}>
              Yes, delete my account
            </button>
            <button type="button" className="secondary" onClick={() => setConfirmDelete(false)}>
              Keep it
            </button>
          </div>
        ) : (
          <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
            Delete my account…
          </button>
        )}
      </div>
    </>
  );
}
