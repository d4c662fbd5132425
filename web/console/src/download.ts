/** Offers a file made in the browser; the link stays so the user can download it again. */
export function downloadLink(content: BlobPart, type: string, filename: string, label: string): HTMLAnchorElement {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.className = 'download-link';
  link.textContent = label;
  return link;
}

export function revokeLater(link: HTMLAnchorElement | undefined): void {
  if (link?.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
}

export function fileStamp(date = new Date()): string {
  return date.toISOString().slice(0, 16).replace(/[:T]/g, '-');
}
