import { File, FileArchive, FileAudio, FileImage, FileSpreadsheet, FileText, FileVideo, type LucideIcon } from "lucide-react";
import { fileKind, type FileKind } from "@/lib/files/format";
import { cn } from "@/lib/utils";

const icons: Record<FileKind, LucideIcon> = {
  image: FileImage,
  video: FileVideo,
  audio: FileAudio,
  pdf: FileText,
  text: FileText,
  archive: FileArchive,
  document: FileSpreadsheet,
  other: File,
};

/** An icon for a file's kind, in a tinted square. */
export function FileIcon({ contentType, name, className }: { contentType?: string | null; name?: string; className?: string }) {
  const kind = fileKind(contentType, name);
  const Icon = icons[kind];
  return (
    <span
      aria-hidden
      className={cn(
        "inline-flex size-10 shrink-0 items-center justify-center rounded-lg",
        kind === "pdf" ? "bg-red-500/10 text-red-700 dark:text-red-400" : "bg-primary/10 text-primary",
        className,
      )}
    >
      <Icon className="size-5" />
    </span>
  );
}
