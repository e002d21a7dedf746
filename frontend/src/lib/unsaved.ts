// Leaving a form with unsaved changes asks first: closing or reloading the tab (the browser's own
// question) and following a link inside the dashboard (a confirm), as Vercel's settings do.
import { useEffect } from 'react'

export const LEAVE_QUESTION = 'You have unsaved changes. Leave this page without saving them?'

export function useUnsavedChangesWarning(dirty: boolean) {
  useEffect(() => {
    if (!dirty) return
    const beforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault()
      e.returnValue = '' // still needed by Chromium-based browsers to ask
    }
    const onClick = (e: MouseEvent) => {
      const link = (e.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null
      if (!link || link.target === '_blank' || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey) return
      if (new URL(link.href, location.href).origin !== location.origin) return
      if (!window.confirm(LEAVE_QUESTION)) {
        e.preventDefault()
        e.stopPropagation()
      }
    }
    window.addEventListener('beforeunload', beforeUnload)
    document.addEventListener('click', onClick, true)
    return () => {
      window.removeEventListener('beforeunload', beforeUnload)
      document.removeEventListener('click', onClick, true)
    }
  }, [dirty])
}
