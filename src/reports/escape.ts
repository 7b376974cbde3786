/**
 * Text for XML and HTML (element content and quoted attributes). Control characters XML 1.0 forbids are
 * dropped, so an error message carrying one cannot make a JUnit file unreadable.
 */
export function escapeXml(s: string): string {
  return (
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // Control characters are not allowed in XML 1.0 at all: taking them out is the point.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}
