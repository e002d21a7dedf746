import { useState } from 'react'
import { Button } from './ui'

/** Copies `text`; says whether it worked (the clipboard can be refused, e.g. on plain http). */
export function CopyButton({ text, label = 'Copy', what }: { text: string; label?: string; what?: string }) {
  const [copied, setCopied] = useState<boolean | null>(null)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text)
      setCopied(true)
    } catch {
      setCopied(false)
    }
  }
  return (
    <Button size="sm" variant="ghost" onClick={copy} aria-label={what ? `${label} ${what}` : label}
      title={copied === false ? 'Could not copy; select the text and copy it by hand.' : undefined}>
      {copied === true ? 'Copied' : copied === false ? 'Copy failed' : label}
    </Button>
  )
}
