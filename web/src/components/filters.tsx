import { type FormEvent, useEffect, useState } from 'react';
import { setQuery } from '../router.tsx';

/** A text filter bound to a query-string key; applies on Enter or when it loses focus. */
export function TextFilter(props: { name: string; label: string; value: string; placeholder?: string }) {
  const [draft, setDraft] = useState(props.value);
  useEffect(() => setDraft(props.value), [props.value]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (draft.trim() !== props.value) setQuery({ [props.name]: draft.trim(), offset: undefined });
  };
  return (
    <form onSubmit={apply} className="inline-form">
      <label>
        {props.label}
        <input
          aria-label={`${props.label} filter`}
          value={draft}
          placeholder={props.placeholder}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={apply}
        />
      </label>
    </form>
  );
}

/** A select bound to a query-string key; the empty option means "any". */
export function SelectFilter(props: {
  name: string;
  label: string;
  value: string;
  options: readonly string[];
}) {
  return (
    <label>
      {props.label}
      <select
        aria-label={`${props.label} filter`}
        value={props.value}
        onChange={(e) => setQuery({ [props.name]: e.target.value, offset: undefined })}
      >
        <option value="">Any</option>
        {props.options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    </label>
  );
}
