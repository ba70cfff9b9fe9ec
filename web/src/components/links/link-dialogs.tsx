"use client";
import { useId, useState, type FormEvent } from "react";
import { useDeleteLink, useUpdateLink } from "@/hooks/queries/links";
import { errorMessage } from "@/lib/api/client";
import type { LinkView } from "@/lib/api/types";
import { editRequest, linkName, linkProblem, tagsInput, TAGS_MAX, TITLE_MAX, type LinkField } from "@/lib/links";
import { FormError } from "../payments/money-field";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { Input, Label } from "../ui/input";

function EditForm({ link, onDone }: { link: LinkView; onDone(): void }) {
  const update = useUpdateLink();
  const [title, setTitle] = useState(link.title ?? "");
  const [tags, setTags] = useState(tagsInput(link.tags));
  const [invalid, setInvalid] = useState<{ message: string; field: LinkField } | null>(null);
  const uid = useId();
  const problem = invalid ?? (update.isError ? linkProblem(update.error) : null);
  const errorFor = (k: LinkField) => (problem?.field === k ? problem.message : null);
  const described = (k: LinkField, hint: boolean) =>
    [hint ? `${uid}-${k}-hint` : "", errorFor(k) ? `${uid}-${k}-error` : ""].filter(Boolean).join(" ") || undefined;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const r = editRequest({ title, tags });
    if ("error" in r) return setInvalid({ message: r.error, field: r.field });
    setInvalid(null);
    update.mutate({ id: link.id, body: r.ok }, { onSuccess: onDone });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4" data-testid="link-edit-form">
      <p className="break-all text-sm text-muted-foreground">
        Leads to <span className="text-foreground">{link.long_url}</span> (that stays).
      </p>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor={`${uid}-title`}>Title</Label>
        <Input
          id={`${uid}-title`}
          value={title}
          maxLength={TITLE_MAX}
          onChange={(e) => setTitle(e.target.value)}
          aria-invalid={errorFor("title") ? true : undefined}
          aria-describedby={described("title", true)}
          data-testid="link-edit-title"
        />
        <span id={`${uid}-title-hint`} className="text-xs text-muted-foreground">
          Empty: the list shows where it leads.
        </span>
        {errorFor("title") && (
          <span role="alert" id={`${uid}-title-error`} className="text-sm text-red-700 dark:text-red-400">
            {errorFor("title")}
          </span>
        )}
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor={`${uid}-tags`}>Tags</Label>
        <Input
          id={`${uid}-tags`}
          value={tags}
          autoCapitalize="none"
          onChange={(e) => setTags(e.target.value)}
          aria-invalid={errorFor("tags") ? true : undefined}
          aria-describedby={described("tags", true)}
          data-testid="link-edit-tags"
        />
        <span id={`${uid}-tags-hint`} className="text-xs text-muted-foreground">
          Separated by commas, up to {TAGS_MAX}. They replace the current ones.
        </span>
        {errorFor("tags") && (
          <span role="alert" id={`${uid}-tags-error`} className="text-sm text-red-700 dark:text-red-400">
            {errorFor("tags")}
          </span>
        )}
      </div>
      {problem && !problem.field && <FormError>{problem.message}</FormError>}
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" disabled={update.isPending} data-testid="link-edit-save">
          {update.isPending ? "Saving…" : "Save"}
        </Button>
      </div>
    </form>
  );
}

/** Change a link's title and tags (where it leads stays); open while shown. */
export function EditLinkDialog({ link, onClose }: { link: LinkView; onClose(): void }) {
  return (
    <Dialog open onClose={onClose} title="Edit link" testId="link-edit-dialog">
      <EditForm link={link} onDone={onClose} />
    </Dialog>
  );
}

/** Delete a link, once the person has read what it means; open while shown. */
export function DeleteLinkDialog({ link, onClose }: { link: LinkView; onClose(): void }) {
  const del = useDeleteLink();
  return (
    <Dialog open onClose={onClose} title="Delete this link?" testId="link-delete-dialog">
      <div className="flex flex-col gap-4">
        <p className="text-sm">
          <span className="font-medium">{linkName(link)}</span>: <span className="break-all font-mono">{link.short_url}</span> stops working
          for everyone who has it, and its click counts go with it.
        </p>
        <FormError>{del.isError ? errorMessage(del.error) : null}</FormError>
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={onClose}>
            Keep it
          </Button>
          <Button
            variant="destructive"
            disabled={del.isPending}
            data-testid="link-delete-confirm"
            onClick={() => del.mutate(link.id, { onSuccess: onClose })}
          >
            {del.isPending ? "Deleting…" : "Delete link"}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
